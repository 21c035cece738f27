/** The result codes of every verdict, in the command-line contract's words. No imports: the page uses it too. */
export type VerifyCode = "valid" | "malformed" | "key_mismatch" | "bad_signature" | "expired" | "not_yet_valid";
