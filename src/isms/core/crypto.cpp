#include "isms/core/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <stdexcept>

#include "isms/core/error.hpp"

namespace isms::crypto {

namespace {
std::string ToHex(const unsigned char* p, size_t n) {
    static const char* kHex = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = kHex[p[i] >> 4];
        out[2 * i + 1] = kHex[p[i] & 15];
    }
    return out;
}
}  // namespace

std::string Sha256Hex(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw Error::Internal("SHA-256 computation failed");
    return ToHex(md, len);
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1)
        throw Error::Internal("SHA-256 computation could not be started");
}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Stream::Update(std::string_view bytes) {
    if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(), bytes.size()) != 1)
        throw Error::Internal("SHA-256 computation failed");
}

std::string Sha256Stream::HexDigest() const {
    // Finalise a copy so that the stream can go on.
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    bool ok = copy && EVP_MD_CTX_copy_ex(copy, static_cast<EVP_MD_CTX*>(ctx_)) == 1 &&
              EVP_DigestFinal_ex(copy, md, &len) == 1;
    EVP_MD_CTX_free(copy);
    if (!ok) throw Error::Internal("SHA-256 computation failed");
    return ToHex(md, len);
}

std::string RandomHex(size_t n) {
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw Error::Internal("libsodium could not be initialised");
    std::string buf(n, '\0');
    randombytes_buf(buf.data(), n);
    return ToHex(reinterpret_cast<const unsigned char*>(buf.data()), n);
}

std::string NewId() { return RandomHex(16); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace isms::crypto
