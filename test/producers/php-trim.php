<?php
// The Rails tutorial's ticket generator written the way PHP backends write it: the same
// JSON (whitespace removed), the raw HMAC digest passed through trim() before base64.
// trim() drops NUL, \t \n \v \r and space from both ends, but not \f as Ruby's strip does.
// Usage: php php-trim.php KEY SECRET CREATED_ISO ENDPOINT...
[$script, $key, $secret, $created] = array_slice($argv, 0, 4);
foreach (array_slice($argv, 4) as $username) {
    $ticket = [
        "identity" => ["type" => "username", "endpoint" => $username],
        "expiresIn" => 3600,
        "applicationKey" => $key,
        "created" => (new DateTime($created))->setTimezone(new DateTimeZone("UTC"))->format("Y-m-d\\TH:i:s\\Z"),
    ];
    $json = preg_replace('/\s+/', "", json_encode($ticket, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
    $digest = trim(hash_hmac("sha256", $json, base64_decode($secret), true));
    echo base64_encode($json) . ":" . base64_encode($digest) . "\n";
}
