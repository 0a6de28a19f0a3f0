// Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226) for the optional second factor, and the
// base32 text (RFC 4648) authenticator apps expect for the shared secret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace isms::auth {

enum class TotpAlgorithm { kSha1, kSha256, kSha512 };

inline constexpr int kTotpPeriod = 30;  // seconds per step
inline constexpr int kTotpDigits = 6;

// The code for `unix_time` (seconds since 1970) with the raw `key`, as a zero-padded decimal string.
std::string TotpCode(std::string_view key, int64_t unix_time, int digits = kTotpDigits,
                     TotpAlgorithm algorithm = TotpAlgorithm::kSha1, int period = kTotpPeriod);

// Checks `code` against the steps around `unix_time` (one step of clock drift either way). Returns the
// matching step, or nullopt when the code is wrong or its step is not after `last_used_step` (each code works
// once). `secret_base32` is the stored secret.
std::optional<int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code, int64_t unix_time,
                                  int64_t last_used_step);

// A new random 160-bit secret, base32 without padding.
std::string NewTotpSecret();
// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30 (for QR codes).
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret_base32);

std::string Base32Encode(std::string_view bytes);
// Decodes base32 (case-insensitive; spaces and '=' padding ignored); nullopt when malformed.
std::optional<std::string> Base32Decode(std::string_view text);

}  // namespace isms::auth
