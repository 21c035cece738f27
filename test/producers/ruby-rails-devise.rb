# The ticket generator of Sinch's Rails tutorial (github.com/sinch/rails-javascript-authentication,
# README.md, ApplicationController#get_auth_ticket), step for step, with the application
# key, secret and time passed in so that its output can be kept as a fixture.
# Usage: ruby ruby-rails-devise.rb KEY SECRET CREATED_ISO ENDPOINT...
require "base64"
require "json"
require "openssl"
require "time"

key, secret, created = ARGV.shift(3)
ARGV.each do |username|
  user_ticket = {
    "identity" => { "type" => "username", "endpoint" => username },
    "expiresIn" => 3600,
    "applicationKey" => key,
    "created" => Time.parse(created).utc.iso8601
  }
  # As the tutorial does: all whitespace removed from the JSON, the raw digest stripped.
  json = user_ticket.to_json.gsub(/\s+/, "")
  data = Base64.encode64(json).strip
  digest = OpenSSL::HMAC.digest(OpenSSL::Digest.new("sha256"), Base64.decode64(secret), json).strip
  signature = Base64.encode64(digest).strip
  puts((data + ":" + signature).gsub(/\s+/, ""))
end
