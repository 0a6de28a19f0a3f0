// Reading and writing OSCAL in its three formats, on NIST's own files (tests/data/oscal/nist).
#include "isms/oscal/document.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "isms/core/error.hpp"
#include "isms/oscal/test_files.hpp"

namespace isms::oscal {
namespace {

namespace fs = std::filesystem;
using testing::NistDir;
using testing::Cached;

std::string FirstDifferences(const Json& a, const Json& b) {
    Json patch = Json::diff(a, b);
    std::string out;
    for (size_t i = 0; i < patch.size() && i < 5; ++i) {
        out += patch[i].dump().substr(0, 400) + "\n";
        std::string path = patch[i].value("path", "");
        try {
            out += "   was: " + a.at(Json::json_pointer(path)).dump().substr(0, 400) + "\n";
        } catch (const std::exception&) {
        }
    }
    return out;
}

// Every NIST document that NIST publishes in all three formats: {json, xml, yaml} paths.
std::vector<std::array<fs::path, 3>> Triples() {
    std::vector<std::array<fs::path, 3>> out;
    for (const auto& e : fs::recursive_directory_iterator(NistDir() / "examples")) {
        if (e.path().extension() != ".json") continue;
        auto base = e.path().parent_path().parent_path();
        auto stem = e.path().stem().string();
        out.push_back({e.path(), base / "xml" / (stem + ".xml"), base / "yaml" / (stem + ".yaml")});
    }
    std::sort(out.begin(), out.end());
    auto cat = NistDir() / "800-53-rev5-5.0.1" / "NIST_SP-800-53_rev5_catalog";
    out.push_back({cat.string() + ".json", cat.string() + ".xml", cat.string() + ".yaml"});
    for (const char* level : {"LOW", "MODERATE", "HIGH", "PRIVACY"}) {
        auto p = NistDir() / "800-53-rev5-5.1.1-profiles" / (std::string("NIST_SP-800-53_rev5_") + level + "-baseline_profile");
        out.push_back({p.string() + ".json", p.string() + ".xml", p.string() + ".yaml"});
    }
    return out;
}

TEST(DocumentTest, NistsThreeSpellingsOfEachDocumentReadAlike) {
    auto triples = Triples();
    ASSERT_EQ(triples.size(), 15u);
    for (const auto& t : triples) {
        SCOPED_TRACE(t[0].string());
        const Document& j = Cached(t[0]);
        const Document& x = Cached(t[1]);
        const Document& y = Cached(t[2]);
        EXPECT_EQ(j.model, x.model);
        Json cj = Canonical(j), cx = Canonical(x), cy = Canonical(y);
        EXPECT_TRUE(cj == cx) << "JSON vs XML:\n" << FirstDifferences(cj, cx);
        EXPECT_TRUE(cj == cy) << "JSON vs YAML:\n" << FirstDifferences(cj, cy);
    }
}

TEST(DocumentTest, JsonToXmlToYamlToJsonIsLossless) {
    for (const auto& t : Triples()) {
        for (const auto& path : t) {
            SCOPED_TRACE(path.string());
            const Document& original = Cached(path);
            Document x = Read(Write(original, Format::kXml), Format::kXml, "xml");
            Document y = Read(Write(x, Format::kYaml), Format::kYaml, "yaml");
            Document j = Read(Write(y, Format::kJson), Format::kJson, "json");
            Json a = Canonical(original), b = Canonical(j);
            EXPECT_TRUE(a == b) << FirstDifferences(a, b);
            if (path.extension() == ".json") break;  // the other two spellings are covered by the test above
        }
    }
}

TEST(DocumentTest, AllSevenModelsAreCovered) {
    std::set<Model> seen;
    for (const auto& t : Triples()) seen.insert(Cached(t[0]).model);
    EXPECT_EQ(seen.size(), 7u);
}

}  // namespace
}  // namespace isms::oscal

namespace isms::oscal {
namespace {

std::string ErrorOf(const std::filesystem::path& p) {
    try {
        ReadFile(p);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

// One file per bad-input case (tests/data/oscal/bad); each is a clear isms::Error with its location.
TEST(DocumentTest, BadInputIsAClearErrorWithItsLocation) {
    auto bad = testing::DataDir() / "bad";
    EXPECT_NE(ErrorOf(bad / "invalid-utf8_fuzz.xml").find("not valid UTF-8"), std::string::npos);  // found by fuzzing
    EXPECT_NE(ErrorOf(bad / "invalid-utf8.yaml").find(":2:"), std::string::npos);
    EXPECT_NE(ErrorOf(bad / "malformed.json").find("malformed.json:3:"), std::string::npos);
    EXPECT_NE(ErrorOf(bad / "malformed.yaml").find("malformed YAML"), std::string::npos);
    EXPECT_NE(ErrorOf(bad / "malformed.xml").find("malformed XML"), std::string::npos);
    EXPECT_NE(ErrorOf(bad / "wrong-type.json").find("'cookbook' is not an OSCAL document type"), std::string::npos);
    EXPECT_NE(ErrorOf(bad / "wrong-namespace.xml").find("not in the OSCAL namespace"), std::string::npos);
    EXPECT_NE(ErrorOf(bad / "wrong-version.yaml").find("OSCAL version 2.0.0 is not supported"), std::string::npos);
    std::string unknown = ErrorOf(bad / "unknown-element.xml");
    EXPECT_NE(unknown.find("element <paragraph> is not allowed in <control>"), std::string::npos) << unknown;
    std::string type = ErrorOf(bad / "wrong-value-type.json");
    EXPECT_NE(type.find("/catalog/metadata/title: expected a string"), std::string::npos) << type;
    // Parts within parts, 70 deep: refused before any reader recurses (isms/core/nesting.hpp), with the place.
    EXPECT_NE(ErrorOf(bad / "nested-too-deep.json").find("nested-too-deep.json is nested deeper than 64 levels at line "
                                                         "3, column 810"),
              std::string::npos);
    EXPECT_NE(ErrorOf(bad / "nested-too-deep.xml").find("nested-too-deep.xml is nested deeper than 64 levels at line "
                                                        "4, column 1117"),
              std::string::npos);
    EXPECT_NE(ErrorOf(bad / "nested-too-deep.yaml").find("nested-too-deep.yaml is nested deeper than 64 levels at line "
                                                         "72, column 129"),
              std::string::npos);
    // Prose of 70 nested block quotes: read as JSON, refused where the Markdown is read (writing XML).
    auto prose = ReadFile(bad / "markup-nested-too-deep.json");
    try {
        Write(prose, Format::kXml);
        ADD_FAILURE() << "Markdown nested 70 deep was written";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        EXPECT_NE(std::string(e.what()).find("/catalog/groups/0/parts/0/prose: the markup \">>>"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("nested deeper than 64 levels"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace isms::oscal
