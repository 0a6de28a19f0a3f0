// isms oscal validate | convert | resolve, as a user runs them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

namespace fs = std::filesystem;

fs::path Data() { return fs::path(ISMS_SOURCE_DIR) / "tests/data/oscal"; }

fs::path TempDir() {
    auto d = fs::temp_directory_path() / ("isms-oscal-cli-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

TEST(OscalCliTest, ValidateExitsZeroForNistsCatalogAndThreeForABrokenOne) {
    auto ok = RunIsms({"oscal", "validate", (Data() / "nist/examples/catalog/xml/basic-catalog.xml").string()});
    EXPECT_EQ(ok.exit_code, 0) << ok;
    EXPECT_NE(ok.out.find("valid catalog (xml)"), std::string::npos) << ok;

    auto bad = RunIsms({"oscal", "validate", (Data() / "rules/bad-references_catalog.json").string()});
    EXPECT_EQ(bad.exit_code, 3) << bad;
    EXPECT_NE(bad.out.find("/catalog/controls/1/id"), std::string::npos) << bad;

    auto json = RunIsms({"--format", "json", "oscal", "validate", (Data() / "rules/bad-references_catalog.json").string()});
    EXPECT_EQ(json.exit_code, 3);
    auto report = Json::parse(json.out);
    EXPECT_FALSE(report["valid"].get<bool>());
    EXPECT_GE(report["issues"].size(), 3u);
}

TEST(OscalCliTest, ConvertWritesAFileThatValidatesInItsNewFormat) {
    auto out = TempDir() / "ssp.xml";
    auto r = RunIsms({"oscal", "convert", (Data() / "nist/examples/ssp/yaml/ssp-example.yaml").string(), "--format",
                      "xml", "-o", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r;
    auto v = RunIsms({"oscal", "validate", out.string()});
    EXPECT_EQ(v.exit_code, 0) << v;
    fs::remove_all(out.parent_path());
}

TEST(OscalCliTest, ResolveWritesTheResolvedCatalog) {
    auto out = TempDir() / "low.yaml";
    auto r = RunIsms({"oscal", "resolve",
                      (Data() / "nist/800-53-rev5-5.0.1/NIST_SP-800-53_rev5_LOW-baseline_profile.xml").string(), "-o",
                      out.string()});
    ASSERT_EQ(r.exit_code, 0) << r;
    auto v = RunIsms({"--format", "json", "oscal", "validate", out.string()});
    EXPECT_EQ(v.exit_code, 0) << v;
    EXPECT_EQ(Json::parse(v.out)["model"], "catalog");
    fs::remove_all(out.parent_path());
}

TEST(OscalCliTest, ResolveOfAProfileWhoseCatalogIsMissingSaysImportNotFound) {
    auto r = RunIsms({"oscal", "resolve",
                      (Data() / "nist/800-53-rev5-5.1.1-profiles/NIST_SP-800-53_rev5_HIGH-baseline_profile.yaml").string()});
    EXPECT_EQ(r.exit_code, 4) << r;
    EXPECT_NE(r.err.find("import not found"), std::string::npos) << r;
    EXPECT_TRUE(r.out.empty());
}

TEST(OscalCliTest, MalformedInputNamesLineAndColumn) {
    auto dir = TempDir();
    std::ofstream(dir / "broken.json") << "{\n  \"catalog\": {\n    \"uuid\": 12,,\n";
    auto r = RunIsms({"oscal", "convert", (dir / "broken.json").string(), "--format", "xml"});
    EXPECT_EQ(r.exit_code, 3) << r;
    EXPECT_NE(r.err.find("broken.json:3:"), std::string::npos) << r;
    fs::remove_all(dir);
}

}  // namespace
}  // namespace isms::integration
