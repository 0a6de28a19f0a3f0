// Hashing and randomness used across modules (OpenSSL SHA-256, libsodium's CSPRNG).
#pragma once

#include <string>
#include <string_view>

namespace isms::crypto {

// Lower-case hex SHA-256 of the bytes.
std::string Sha256Hex(std::string_view bytes);
// SHA-256 over data that arrives in pieces (a backup file written line by line). Not thread-safe.
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    void Update(std::string_view bytes);
    // Lower-case hex of everything passed to Update so far (the stream may continue afterwards).
    std::string HexDigest() const;

private:
    void* ctx_;  // EVP_MD_CTX
};

// `n` random bytes from the OS CSPRNG, as lower-case hex (2n characters).
std::string RandomHex(size_t n);
// A new identifier: 16 random bytes, hex (used for record ids, request ids).
std::string NewId();
// Constant-time comparison of two strings of equal length (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace isms::crypto
