#include "isms/oscal/validate.hpp"

#include <gtest/gtest.h>

#include "isms/oscal/test_files.hpp"

namespace isms::oscal {
namespace {

using testing::Cached;
using testing::DataDir;
using testing::NistDir;

std::string Describe(const ValidationReport& r) {
    std::string s;
    for (const auto& i : r.issues) s += i.kind + " " + i.path + " (line " + std::to_string(i.line) + "): " + i.message + "\n";
    return s.substr(0, 3000);
}

TEST(ValidateTest, EveryNistFileIsValidInItsOwnFormat) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(NistDir()))
        if (e.is_regular_file() && e.path().extension() != ".md") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_GT(files.size(), 50u);
    for (const auto& f : files) {
        auto r = ValidateFile(f);
        EXPECT_TRUE(r.ok()) << f << "\n" << Describe(r);
    }
}

TEST(ValidateTest, WrittenFormsOfTheCatalogValidateToo) {
    const Document& cat = Cached(NistDir() / "800-53-rev5-5.0.1/NIST_SP-800-53_rev5_catalog.json");
    EXPECT_TRUE(XsdIssues(Write(cat, Format::kXml)).empty());
    auto yaml = ValidateText(Write(cat, Format::kYaml), Format::kYaml);
    EXPECT_TRUE(yaml.ok()) << Describe(yaml);
}

TEST(ValidateTest, JsonSchemaErrorsNameThePathAndWhatWasExpected) {
    std::string text = R"({"catalog": {"uuid": "not-a-uuid", "metadata": {"title": "T", "last-modified": "2024-01-01T00:00:00Z",
        "version": "1", "oscal-version": "1.1.2"}, "controls": [{"id": "1bad id", "title": "x"}]}})";
    auto r = ValidateText(text, Format::kJson);
    EXPECT_FALSE(r.ok());
    bool uuid = false, id = false;
    for (const auto& i : r.issues) {
        if (i.path == "/catalog/uuid") uuid = i.message.find("pattern") != std::string::npos;
        if (i.path == "/catalog/controls/0/id") id = true;
    }
    EXPECT_TRUE(uuid) << Describe(r);
    EXPECT_TRUE(id) << Describe(r);
}

TEST(ValidateTest, APropertyTheModelRefusesDoesNotHideTheOtherProblems) {
    // An unknown property, a malformed uuid and a repeated id: all three are reported, in JSON and in YAML.
    std::string json = R"({"catalog": {"uuid": "not-a-uuid", "colour": "red", "metadata": {"title": "T",
        "last-modified": "2024-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
        "controls": [{"id": "c1", "title": "One"}, {"id": "c1", "title": "Again"}]}})";
    std::string yaml = R"(catalog:
  uuid: not-a-uuid
  colour: red
  metadata:
    title: T
    last-modified: "2024-01-01T00:00:00Z"
    version: "1"
    oscal-version: 1.1.2
  controls:
    - id: c1
      title: One
    - id: c1
      title: Again
)";
    for (auto [text, format] : {std::pair{json, Format::kJson}, {yaml, Format::kYaml}}) {
        auto r = ValidateText(text, format);
        std::string all = Describe(r);
        EXPECT_FALSE(r.ok());
        ASSERT_TRUE(r.model.has_value()) << all;
        EXPECT_NE(all.find("schema /catalog/colour"), std::string::npos) << all;
        EXPECT_NE(all.find("schema /catalog/uuid"), std::string::npos) << all;
        EXPECT_NE(all.find("unique /catalog/controls/1/id"), std::string::npos) << all;
        if (format == Format::kYaml) {
            EXPECT_NE(all.find("/catalog/colour (line 3)"), std::string::npos) << all;
        }
    }
}

TEST(ValidateTest, UnicodeLettersAreTokenCharacters) {
    std::string text = R"({"catalog": {"uuid": "0c9ae9b5-a6a6-4c9e-8a24-47a3e4f6c0b1", "metadata": {"title": "T",
        "last-modified": "2024-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
        "controls": [{"id": "åtgärd-1", "title": "x"}]}})";
    auto r = ValidateText(text, Format::kJson);
    EXPECT_TRUE(r.ok()) << Describe(r);
}

TEST(ValidateTest, XsdErrorsGiveLineAndElementPath) {
    std::string xml = R"(<?xml version="1.0"?>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="0c9ae9b5-a6a6-4c9e-8a24-47a3e4f6c0b1">
  <metadata><title>T</title><last-modified>2024-01-01T00:00:00Z</last-modified><version>1</version>
  <oscal-version>1.1.2</oscal-version></metadata>
  <control id="c1"><prop name="x" value="y"/></control>
</catalog>)";
    auto r = ValidateText(xml, Format::kXml);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.issues[0].line, 5) << Describe(r);
    EXPECT_EQ(r.issues[0].path, "/catalog/control[1]/prop[1]") << Describe(r);
}

TEST(ValidateTest, DuplicateIdsAndDanglingReferencesAreReported) {
    auto r = ValidateFile(DataDir() / "rules/bad-references_catalog.json");
    std::string all = Describe(r);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(all.find("unique /catalog/controls/1/id"), std::string::npos) << all;
    EXPECT_NE(all.find("reference /catalog/controls/0/parts/0/prose"), std::string::npos) << all;
    EXPECT_NE(all.find("reference /catalog/controls/0/links/1/href (line 0): href '#4a4a4a4a-0000-4000-8000-000000000009' names no"), std::string::npos) << all;
    EXPECT_NE(all.find("note /catalog/controls/0/links/0/href"), std::string::npos) << all;
    EXPECT_NE(all.find("role-id 'nobody'"), std::string::npos) << all;
}

TEST(ValidateTest, ProfileIdsAreCheckedAgainstTheImportedCatalog) {
    auto r = ValidateFile(DataDir() / "rules/unknown-control_profile.json");
    std::string all = Describe(r);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(all.find("/profile/imports/0/include-controls/0/with-ids/1"), std::string::npos) << all;
    EXPECT_NE(all.find("/profile/modify/set-parameters/0/param-id"), std::string::npos) << all;
}

TEST(ValidateTest, UnavailableImportIsANoteNotAnError) {
    auto r = ValidateFile(NistDir() / "800-53-rev5-5.1.1-profiles/NIST_SP-800-53_rev5_LOW-baseline_profile.json");
    EXPECT_TRUE(r.ok());
    ASSERT_FALSE(r.issues.empty());
    EXPECT_EQ(r.issues[0].kind, "note");
}

TEST(ValidateTest, MalformedInputIsAnIssueWithItsPosition) {
    auto r = ValidateText("{\"catalog\": {\"uuid\": ", Format::kJson);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.issues[0].line, 1);
    auto x = ValidateText("<catalog xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\">\n<metadata>\n</catalog>", Format::kXml);
    ASSERT_FALSE(x.ok());
    EXPECT_EQ(x.issues[0].line, 3) << Describe(x);
}

}  // namespace
}  // namespace isms::oscal
