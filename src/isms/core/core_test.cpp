#include <gtest/gtest.h>

#include "isms/core/context.hpp"
#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms {
namespace {

TEST(CryptoTest, Sha256StreamEqualsOneShotOverPieces) {
    crypto::Sha256Stream h;
    h.Update("a");
    EXPECT_EQ(h.HexDigest(), crypto::Sha256Hex("a"));  // a digest midway leaves the stream usable
    h.Update("bc");
    EXPECT_EQ(h.HexDigest(), crypto::Sha256Hex("abc"));
}

TEST(CryptoTest, Sha256OfKnownInput) {
    EXPECT_EQ(crypto::Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, NewIdsAreDistinctHex) {
    auto a = crypto::NewId(), b = crypto::NewId();
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
}

TEST(TimeTest, ParseDateRejectsImpossibleDates) {
    EXPECT_TRUE(time::ParseDate("2024-02-29"));
    EXPECT_FALSE(time::ParseDate("2026-02-30"));
    EXPECT_FALSE(time::ParseDate("2026-2-3"));
    EXPECT_FALSE(time::ParseDate("yesterday"));
}

TEST(TimeTest, FormatAndParseUtcRoundTrip) {
    auto tp = time::ParseUtc("2026-11-23T12:42:23.123Z");
    ASSERT_TRUE(tp);
    EXPECT_EQ(time::FormatUtc(*tp), "2026-11-23T12:42:23.123Z");
}

TEST(ErrorTest, CodesMapToHttpAndExitCodes) {
    EXPECT_EQ(HttpStatus(ErrorCode::kNotFound), 404);
    EXPECT_EQ(ExitCode(ErrorCode::kNotFound), 4);
    EXPECT_EQ(ErrorCodeName(ErrorCode::kInvalidInput), "invalid_input");
}

TEST(PermissionTest, ViewerMayOnlyRead) {
    EXPECT_TRUE(HasPermission(Role::kViewer, Permission::kRead));
    EXPECT_FALSE(HasPermission(Role::kViewer, Permission::kRecordsWrite));
    Context c;
    c.actor = "user:v";
    c.role = Role::kViewer;
    EXPECT_THROW(RequirePermission(c, Permission::kCatalogEdit), Error);
}

}  // namespace
}  // namespace isms
