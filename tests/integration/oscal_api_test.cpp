// /api/v1/oscal and `isms oscal import|export` on the real binary, both backends.
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

std::string ReadData(const std::string& rel) {
    std::ifstream in(std::string(ISMS_SOURCE_DIR) + "/tests/data/oscal/" + rel, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string Base64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int val = 0, bits = -6;
    for (unsigned char c : in) {
        val = (val << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out.push_back(k[(val >> bits) & 0x3F]);
            bits -= 6;
        }
    }
    if (bits > -6) out.push_back(k[((val << 8) >> (bits + 8)) & 0x3F]);
    while (out.size() % 4) out.push_back('=');
    return out;
}

class OscalApiTest : public IntegrationTest {};

TEST_P(OscalApiTest, ValidateConvertImportAndExportOverHttp) {
    Init();
    auto& http = StartServer().http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "administrator"));
    auto v = http.Send("POST", "/api/v1/oscal/validate", ReadData("nist/examples/catalog/xml/basic-catalog.xml"),
                       "application/xml");
    ASSERT_EQ(v.status, 200) << v;
    EXPECT_TRUE(v.Json()["valid"].get<bool>()) << v;
    EXPECT_EQ(v.Json()["model"], "catalog");

    auto c = http.Send("POST", "/api/v1/oscal/convert?format=yaml", ReadData("nist/examples/poam/json/ifa_plan-of-action-and-milestones.json"));
    ASSERT_EQ(c.status, 200) << c;
    EXPECT_EQ(c.Header("Content-Type"), "application/yaml");
    EXPECT_NE(c.body.find("plan-of-action-and-milestones:"), std::string::npos);

    auto imp = http.Send("POST", "/api/v1/oscal/catalogs?id=abc", ReadData("resolve/abc_catalog.json"));
    ASSERT_EQ(imp.status, 201) << imp;
    EXPECT_EQ(imp.Json()["enhancements"], 3);
    EXPECT_EQ(http.Send("POST", "/api/v1/oscal/catalogs?id=abc", ReadData("resolve/abc_catalog.json")).status, 409);

    auto x = http.Get("/api/v1/oscal/catalogs/abc?format=xml");
    ASSERT_EQ(x.status, 200) << x;
    EXPECT_EQ(x.Header("Content-Type"), "application/xml");
    auto again = http.Send("POST", "/api/v1/oscal/validate", x.body, "application/xml");
    EXPECT_TRUE(again.Json()["valid"].get<bool>()) << again;

    auto iso = http.Get("/api/v1/oscal/catalogs/iso27001-2022");
    ASSERT_EQ(iso.status, 200) << iso;
    EXPECT_EQ(iso.Json()["catalog"]["groups"].size(), 4u);
    EXPECT_EQ(http.Get("/api/v1/oscal/catalogs/nosuch").status, 404);
}

TEST_P(OscalApiTest, ResolveTakesImportsFromBase64ResourcesAndRefusesFiles) {
    Init();
    auto& http = StartServer().http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "administrator"));
    Json profile = Json::parse(ReadData("resolve/include-ids-flat_profile.json"));
    profile["profile"]["imports"][0]["href"] = "#9e9e9e9e-0000-4000-8000-000000000001";
    profile["profile"]["back-matter"] = {
        {"resources",
         {{{"uuid", "9e9e9e9e-0000-4000-8000-000000000001"},
           {"base64", {{"filename", "abc_catalog.json"}, {"value", Base64(ReadData("resolve/abc_catalog.json"))}}}}}}};
    auto r = http.Send("POST", "/api/v1/oscal/resolve", profile.dump());
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.Json()["catalog"]["controls"].size(), 2u);

    auto file = http.Send("POST", "/api/v1/oscal/resolve", ReadData("resolve/include-ids-flat_profile.json"));
    EXPECT_EQ(file.status, 404) << file;
    EXPECT_NE(file.body.find("import not found"), std::string::npos) << file;

    auto bad = http.Send("POST", "/api/v1/oscal/catalogs", "<catalog xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\">\n<oops>\n",
                         "application/xml");
    EXPECT_EQ(bad.status, 400) << bad;
    EXPECT_NE(bad.body.find("malformed XML"), std::string::npos) << bad;
}

TEST_P(OscalApiTest, ResolveReadsNoFileOfTheServerWhateverTheHrefSays) {
    Init();
    auto& http = StartServer().http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "viewer"));
    // An existing file and a missing one, absolute, relative and as a file URL: the same 404, so a request can
    // neither read the server's files nor learn which exist.
    std::string answer;
    for (const std::string& href : std::vector<std::string>{"/etc/hostname", "/etc/no-such-file", "../../../../etc/hostname", "file:///etc/hostname",
                             std::string(ISMS_SOURCE_DIR) + "/tests/data/oscal/resolve/abc_catalog.json"}) {
        Json profile = Json::parse(ReadData("resolve/include-ids-flat_profile.json"));
        profile["profile"]["imports"][0]["href"] = href;
        auto r = http.Send("POST", "/api/v1/oscal/resolve", profile.dump());
        EXPECT_EQ(r.status, 404) << href << ": " << r;
        std::string detail = r.Json().value("detail", "");
        detail.replace(detail.find(href), href.size(), "HREF");
        if (answer.empty()) answer = detail;
        EXPECT_EQ(detail, answer) << href;
        EXPECT_NE(detail.find("reads no files"), std::string::npos) << detail;
    }
}

TEST_P(OscalApiTest, ResolveTakesImportsFromTheOrganisationsFrameworks) {
    Init();
    auto& http = StartServer().http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "administrator"));
    const std::string nist = "nist/800-53-rev5-5.0.1/";
    auto imp = http.Send("POST", "/api/v1/oscal/catalogs?id=sp800-53&source=NIST_SP-800-53_rev5_catalog.json",
                         ReadData(nist + "NIST_SP-800-53_rev5_catalog.json"));
    ASSERT_EQ(imp.status, 201) << imp;
    // NIST's JSON baseline imports the catalog as XML by file name: the framework imported from its JSON is it.
    auto r = http.Send("POST", "/api/v1/oscal/resolve", ReadData(nist + "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"));
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
    std::function<size_t(const Json&)> count = [&](const Json& node) {
        size_t n = 0;
        for (const auto& c : node.value("controls", Json::array())) n += 1 + count(c);
        for (const auto& g : node.value("groups", Json::array())) n += count(g);
        return n;
    };
    EXPECT_EQ(count(r.Json()["catalog"]), 287u);
    // By id, and the built-in catalog as the SoA profile names it.
    Json profile = Json::parse(ReadData("resolve/include-ids-flat_profile.json"));
    profile["profile"]["imports"] = {{{"href", "isms:framework/sp800-53"}, {"include-controls", {{{"with-ids", {"ac-2"}}}}}}};
    r = http.Send("POST", "/api/v1/oscal/resolve", profile.dump());
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
    EXPECT_EQ(count(r.Json()["catalog"]), 1u);
    profile["profile"]["imports"] = {{{"href", "iso27001-2022_catalog.json"}, {"include-controls", {{{"with-ids", {"a.5.1", "a.8.16"}}}}}}};
    r = http.Send("POST", "/api/v1/oscal/resolve", profile.dump());
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
    EXPECT_EQ(count(r.Json()["catalog"]), 2u);
    profile["profile"]["imports"] = {{{"href", "isms:framework/nothing-here"}, {"include-all", Json::object()}}};
    EXPECT_EQ(http.Send("POST", "/api/v1/oscal/resolve", profile.dump()).status, 404);
    // Another organisation's frameworks are not there for it.
    ASSERT_EQ(Isms({"org", "add", "Beta AB", "--slug", "beta"}).exit_code, 0);
    profile["profile"]["imports"] = {{{"href", "isms:framework/sp800-53"}, {"include-all", Json::object()}}};
    auto other = http.Send("POST", "/api/v1/oscal/resolve", profile.dump(),
                           "application/json", {{"Authorization", "Bearer " + CreateToken("beta", "administrator")}});
    EXPECT_EQ(other.status, 404) << other;
}

TEST_P(OscalApiTest, CliImportsACatalogAndExportsIt) {
    Init();
    auto imp = Isms({"oscal", "import", "catalog",
                     std::string(ISMS_SOURCE_DIR) + "/tests/data/oscal/nist/examples/catalog/xml/basic-catalog.xml", "--id",
                     "basic"});
    ASSERT_EQ(imp.exit_code, 0) << imp;
    EXPECT_NE(imp.out.find("framework basic"), std::string::npos) << imp;
    auto exp = Isms({"oscal", "export", "catalog", "basic", "--format", "yaml"});
    ASSERT_EQ(exp.exit_code, 0) << exp;
    EXPECT_NE(exp.out.find("catalog:"), std::string::npos);
    auto profile = Isms({"oscal", "import", "catalog",
                         std::string(ISMS_SOURCE_DIR) + "/tests/data/oscal/resolve/include-all_profile.json"});
    EXPECT_EQ(profile.exit_code, 3) << profile;
    EXPECT_NE(profile.err.find("resolve it first"), std::string::npos) << profile;
}

ISMS_INSTANTIATE_BACKENDS(OscalApiTest);

}  // namespace
}  // namespace isms::integration
