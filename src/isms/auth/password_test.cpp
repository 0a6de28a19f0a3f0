#include <gtest/gtest.h>

#include "isms/auth/password.hpp"
#include "isms/core/error.hpp"

namespace isms::auth {
namespace {

std::string PolicyProblem(const std::string& password, const std::string& username = "anna") {
    try {
        CheckPasswordPolicy(password, username);
        return "";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        return e.details().empty() ? "?" : e.details()[0].message;
    }
}

TEST(PasswordTest, HashIsArgon2idAndVerifies) {
    SetHashCost(HashCost::kInteractive);
    std::string h = HashPassword("brittle-otter-sings-42");
    EXPECT_EQ(h.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << h;
    EXPECT_TRUE(VerifyPassword(h, "brittle-otter-sings-42"));
    EXPECT_FALSE(VerifyPassword(h, "brittle-otter-sings-43"));
    EXPECT_FALSE(VerifyPassword("not a hash", "brittle-otter-sings-42"));
    EXPECT_FALSE(NeedsRehash(h));
    EXPECT_NE(HashPassword("brittle-otter-sings-42"), h);  // salted
    SetHashCost(HashCost::kMinimumForTests);
    EXPECT_TRUE(VerifyPassword(h, "brittle-otter-sings-42"));  // old hashes keep working
    EXPECT_TRUE(NeedsRehash(HashPassword("x")) == false);
    SetHashCost(HashCost::kInteractive);
    EXPECT_TRUE(NeedsRehash(HashPassword("x")) == false);
}

TEST(PasswordTest, PolicyRefusesShortCommonAndPredictable) {
    EXPECT_EQ(PolicyProblem("short-pw"), "too short");
    EXPECT_EQ(PolicyProblem("åäöåäöåäö"), "too short");  // counted in characters, not bytes
    EXPECT_EQ(PolicyProblem(std::string(2000, 'x') + "Zq!"), "too long");
    EXPECT_EQ(PolicyProblem(std::string("valid-prefix-\xff\xfe")), "not UTF-8");
    EXPECT_EQ(PolicyProblem("annas-long-password-x", "anna"), "contains the username");
    for (const char* weak : {"Password1234!", "P@ssw0rd2024!!", "Summer2024!!", "qwertyuiop123", "123456789012",
                             "aaaaaaaaaaaaaa", "abcabcabcabc", "Sommar2024!!", "lösenord2024!", "ILOVEYOU1234",
                             "Welcome12345", "dragonmonkey12", "zyxwvutsrqpon", "correcthorsebatterystaple"})
        EXPECT_EQ(PolicyProblem(weak), "too common") << weak;
}

TEST(PasswordTest, PolicyAcceptsPassphrasesAndRandomStrings) {
    for (const char* good : {"brittle-otter-sings-42", "Kx9#mQ2$vL7!pR", "lingonberry harbour at dusk", "tidvatten-7-kanel",
                             "åäö-snöflinga-ring"})
        EXPECT_EQ(PolicyProblem(good), "") << good;
}

}  // namespace
}  // namespace isms::auth
