#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

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

TEST(PermissionTest, TheDocumentedMatrixIsTheOneInForce) {
    // docs/security.md shows the matrix; this keeps the page and permissions.cpp saying the same.
    std::ifstream in(std::string(ISMS_SOURCE_DIR) + "/docs/security.md");
    ASSERT_TRUE(in) << "docs/security.md is missing";
    std::map<std::string, std::vector<bool>> documented;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("| `", 0) != 0) continue;
        std::vector<std::string> cells;
        std::stringstream ss(line.substr(1));
        std::string cell;
        while (std::getline(ss, cell, '|')) cells.push_back(cell);
        if (cells.size() < 8) continue;
        std::string name = cells[0].substr(cells[0].find('`') + 1);
        name = name.substr(0, name.find('`'));
        std::vector<bool> allowed;
        for (size_t i = 1; i <= 6; ++i) allowed.push_back(cells[i].find("✓") != std::string::npos);
        documented[name] = allowed;
    }
    ASSERT_EQ(documented.size(), AllPermissions().size()) << "every permission has one row in docs/security.md";
    for (auto p : AllPermissions()) {
        auto it = documented.find(std::string(PermissionName(p)));
        ASSERT_NE(it, documented.end()) << PermissionName(p) << " is not documented";
        auto roles = AllRoles();
        for (size_t i = 0; i < roles.size(); ++i)
            EXPECT_EQ(it->second[i], HasPermission(roles[i], p))
                << PermissionName(p) << " for " << RoleName(roles[i]) << " differs from docs/security.md";
    }
}

TEST(PermissionTest, RoleCoversMeansEveryPermissionIsHeld) {
    for (auto holder : AllRoles())
        for (auto granted : AllRoles()) {
            bool covers = true;
            for (auto p : AllPermissions()) covers = covers && (!HasPermission(granted, p) || HasPermission(holder, p));
            EXPECT_EQ(RoleCovers(holder, granted), covers) << RoleName(holder) << " / " << RoleName(granted);
        }
    EXPECT_TRUE(RoleCovers(Role::kAdministrator, Role::kIsmsManager));
    EXPECT_FALSE(RoleCovers(Role::kIsmsManager, Role::kAdministrator));
    EXPECT_FALSE(RoleCovers(Role::kAuditor, Role::kRiskOwner));  // neither covers the other
    EXPECT_FALSE(RoleCovers(Role::kRiskOwner, Role::kAuditor));
}

TEST(TimeTest, ParseDurationAcceptsOneUnitAndRefusesTheRest) {
    EXPECT_EQ(time::ParseDuration("90d"), std::chrono::seconds(90 * 86400));
    EXPECT_EQ(time::ParseDuration("2s"), std::chrono::seconds(2));
    EXPECT_EQ(time::ParseDuration("12h"), std::chrono::seconds(12 * 3600));
    EXPECT_EQ(time::ParseDuration("2w"), std::chrono::seconds(14 * 86400));
    for (const char* bad : {"", "d", "0d", "-1d", "1y", "1.5h", "90", "999999999999d", "1 d"})
        EXPECT_FALSE(time::ParseDuration(bad)) << bad;
}

}  // namespace
}  // namespace isms
