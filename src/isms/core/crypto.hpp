// Hashing and randomness used across modules (OpenSSL SHA-256, libsodium's CSPRNG).
#pragma once

#include <string>
#include <string_view>

namespace isms::crypto {

// Lower-case hex SHA-256 of the bytes.
std::string Sha256Hex(std::string_view bytes);
// `n` random bytes from the OS CSPRNG, as lower-case hex (2n characters).
std::string RandomHex(size_t n);
// A new identifier: 16 random bytes, hex (used for record ids, request ids).
std::string NewId();
// Constant-time comparison of two strings of equal length (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace isms::crypto
