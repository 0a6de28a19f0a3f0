#include "isms/auth/totp.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"

namespace isms::auth {

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string UriEscape(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}
}  // namespace

std::string Base32Encode(std::string_view bytes) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char ch : text) {
        if (ch == ' ' || ch == '=' || ch == '-') continue;
        char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 5) | static_cast<uint32_t>(pos);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
            bits -= 8;
        }
    }
    return out;
}

std::string TotpCode(std::string_view key, int64_t unix_time, int digits, TotpAlgorithm algorithm, int period) {
    if (digits < 6 || digits > 9 || period <= 0) throw Error::Internal("TOTP parameters out of range");
    // RFC 6238 4.2: T = floor((time - T0) / X), as an 8-byte big-endian counter for HOTP.
    uint64_t counter = static_cast<uint64_t>(unix_time / period);
    unsigned char msg[8];
    for (int i = 7; i >= 0; --i) {
        msg[i] = static_cast<unsigned char>(counter & 0xFF);
        counter >>= 8;
    }
    const EVP_MD* md = algorithm == TotpAlgorithm::kSha1     ? EVP_sha1()
                       : algorithm == TotpAlgorithm::kSha256 ? EVP_sha256()
                                                             : EVP_sha512();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (!HMAC(md, key.data(), static_cast<int>(key.size()), msg, sizeof msg, mac, &mac_len))
        throw Error::Internal("HMAC computation failed");
    // RFC 4226 5.3: dynamic truncation.
    int offset = mac[mac_len - 1] & 0x0F;
    uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) | (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                      (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
    uint32_t modulo = 1;
    for (int i = 0; i < digits; ++i) modulo *= 10;
    return fmt::format("{:0{}}", binary % modulo, digits);
}

std::optional<int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code, int64_t unix_time,
                                  int64_t last_used_step) {
    if (code.size() != static_cast<size_t>(kTotpDigits)) return std::nullopt;
    for (char c : code)
        if (c < '0' || c > '9') return std::nullopt;
    auto key = Base32Decode(secret_base32);
    if (!key || key->empty()) return std::nullopt;
    int64_t step = unix_time / kTotpPeriod;
    for (int64_t s : {step, step - 1, step + 1}) {
        if (s <= last_used_step) continue;
        if (crypto::ConstantTimeEquals(TotpCode(*key, s * kTotpPeriod), code)) return s;
    }
    return std::nullopt;
}

std::string NewTotpSecret() {
    if (sodium_init() < 0) throw Error::Internal("libsodium could not be initialised");
    std::string key(20, '\0');
    randombytes_buf(key.data(), key.size());
    return Base32Encode(key);
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret_base32) {
    return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={}&period={}",
                       UriEscape(issuer), UriEscape(account), secret_base32, UriEscape(issuer), kTotpDigits,
                       kTotpPeriod);
}

}  // namespace isms::auth
