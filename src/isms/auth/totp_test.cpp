#include <gtest/gtest.h>

#include "isms/auth/totp.hpp"

namespace isms::auth {
namespace {

// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's block of key material.
struct Vector {
    int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
};
constexpr Vector kRfc6238[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

TEST(TotpTest, MatchesRfc6238TestVectors) {
    const std::string seed20 = "12345678901234567890";
    const std::string seed32 = "12345678901234567890123456789012";
    const std::string seed64 = "1234567890123456789012345678901234567890123456789012345678901234";
    for (const auto& v : kRfc6238) {
        EXPECT_EQ(TotpCode(seed20, v.time, 8, TotpAlgorithm::kSha1), v.sha1) << v.time;
        EXPECT_EQ(TotpCode(seed32, v.time, 8, TotpAlgorithm::kSha256), v.sha256) << v.time;
        EXPECT_EQ(TotpCode(seed64, v.time, 8, TotpAlgorithm::kSha512), v.sha512) << v.time;
    }
}

TEST(TotpTest, Base32RoundTripsAndMatchesRfc4648) {
    // RFC 4648 section 10 test vectors (without padding).
    EXPECT_EQ(Base32Encode("f"), "MY");
    EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
    EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
    EXPECT_EQ(Base32Decode("MZXW6YTBOI======").value(), "foobar");
    EXPECT_EQ(Base32Decode("mzxw 6ytb oi").value(), "foobar");
    EXPECT_FALSE(Base32Decode("MZXW1").has_value());  // '1' is not in the alphabet
    std::string secret = NewTotpSecret();
    EXPECT_EQ(secret.size(), 32u);  // 160 bits
    EXPECT_EQ(Base32Encode(*Base32Decode(secret)), secret);
}

TEST(TotpTest, VerifyAcceptsOneStepOfDriftAndEachCodeOnce) {
    std::string secret = Base32Encode("12345678901234567890");
    const int64_t t = 1111111111;
    std::string now_code = TotpCode("12345678901234567890", t);
    std::string prev_code = TotpCode("12345678901234567890", t - 30);
    std::string old_code = TotpCode("12345678901234567890", t - 90);
    auto step = VerifyTotp(secret, now_code, t, 0);
    ASSERT_TRUE(step);
    EXPECT_EQ(*step, t / 30);
    EXPECT_TRUE(VerifyTotp(secret, prev_code, t, 0));
    EXPECT_FALSE(VerifyTotp(secret, old_code, t, 0));
    EXPECT_FALSE(VerifyTotp(secret, now_code, t, *step));  // replay
    EXPECT_FALSE(VerifyTotp(secret, "12345", t, 0));
    EXPECT_FALSE(VerifyTotp(secret, "abcdef", t, 0));
}

TEST(TotpTest, OtpauthUriEscapesTheAccount) {
    EXPECT_EQ(OtpauthUri("isms", "anna@example.se", "ABC"),
              "otpauth://totp/isms:anna%40example.se?secret=ABC&issuer=isms&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace isms::auth
