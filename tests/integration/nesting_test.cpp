// Deeply nested input (docs/security.md, "Transport, headers and limits"): 100,000 levels of JSON, XML, YAML
// and Markdown sent to every route and command that hands user text to a reader. Each must be refused with a
// 400 problem (exit code 3 on the command line) naming the nesting, change nothing, and leave the server
// serving: before the shared check (isms/core/nesting.hpp) the records importer, the OSCAL readers and the
// Markdown reader recursed until the stack ran out and took the whole server down.
#include <filesystem>
#include <fstream>

#include "isms/core/crypto.hpp"
#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

namespace fs = std::filesystem;

constexpr int kLevels = 100000;

std::string Repeat(const std::string& s, int n) {
    std::string out;
    out.reserve(s.size() * static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

const std::string kMetadata =
    R"("metadata": {"title": "t", "last-modified": "2024-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"})";

// Records or risks: one item whose field holds 100,000 nested arrays.
std::string DeepItems(const std::string& field) {
    return "[{\"" + field + "\": " + Repeat("[", kLevels) + Repeat("]", kLevels) + "}]";
}

// An OSCAL catalog whose group holds parts within parts (allowed by OSCAL at any depth), in each format.
std::string DeepCatalogJson() {
    return R"({"catalog": {"uuid": "0c9ae9b5-a6a6-4c9e-8a24-47a3e4f6c0b1", )" + kMetadata +
           R"(, "groups": [{"id": "g", "title": "t", "parts": [)" + Repeat(R"({"name": "x", "parts": [)", kLevels) +
           R"({"name": "x"})" + Repeat("]}", kLevels) + "]}]}}";
}
std::string DeepCatalogXml() {
    return R"(<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="0c9ae9b5-a6a6-4c9e-8a24-47a3e4f6c0b1">)"
           "<metadata><title>t</title><last-modified>2024-01-01T00:00:00Z</last-modified><version>1</version>"
           "<oscal-version>1.1.2</oscal-version></metadata><group id=\"g\"><title>t</title>" +
           Repeat("<part name=\"x\">", kLevels) + Repeat("</part>", kLevels) + "</group></catalog>";
}
std::string DeepCatalogYaml() {
    return "catalog:\n  uuid: 0c9ae9b5-a6a6-4c9e-8a24-47a3e4f6c0b1\n  metadata: {title: t, last-modified: "
           "'2024-01-01T00:00:00Z', version: '1', oscal-version: 1.1.2}\n  groups:\n    - id: g\n      title: t\n"
           "      parts:\n        " +
           Repeat("- ", kLevels) + "{name: x}\n";
}
// Prose of 100,000 nested block quotes: only the Markdown reader (writing XML) goes deep.
std::string DeepMarkdownCatalogJson() {
    return R"({"catalog": {"uuid": "0c9ae9b5-a6a6-4c9e-8a24-47a3e4f6c0b1", )" + kMetadata +
           R"(, "groups": [{"id": "g", "title": "t", "controls": [{"id": "c1", "title": "t", "parts": [{"name": )"
           R"("statement", "prose": ")" +
           Repeat(">", kLevels) + R"( deep"}]}]}]}})";
}

class NestingTest : public IntegrationTest {
  protected:
    std::string Sql1(const std::string& sql) {
        auto r = store().Sql(sql);
        EXPECT_EQ(r.exit_code, 0) << r;
        return r.out.substr(0, r.out.find('\n'));
    }
};

TEST_P(NestingTest, EveryRouteThatReadsUserTextRefusesAHundredThousandLevelsAndKeepsServing) {
    Demo();
    auto& server = StartServer();
    auto http = server.NewClient();
    SignIn(http, "mikael", "kvarnberg-administrator");
    const std::string before = Sql1("SELECT COUNT(*) FROM change_log");
    struct Case {
        std::string path, body, content_type;
    };
    const std::vector<Case> cases = {
        {"/api/v1/records/asset/import?format=json", DeepItems("name"), "application/json"},
        {"/api/v1/records/asset/import", "{\"items\": " + DeepItems("name") + "}", "application/json"},
        {"/api/v1/risks/import", "{\"items\": " + DeepItems("title") + "}", "application/json"},
        {"/api/v1/records/asset", "{\"data\": {\"name\": " + Repeat("[", kLevels) + "}}", "application/json"},
        {"/api/v1/oscal/validate?input=json", DeepCatalogJson(), "application/json"},
        {"/api/v1/oscal/validate?input=xml", DeepCatalogXml(), "application/xml"},
        {"/api/v1/oscal/validate?input=yaml", DeepCatalogYaml(), "application/yaml"},
        {"/api/v1/oscal/convert?input=json&format=xml", DeepCatalogJson(), "application/json"},
        {"/api/v1/oscal/convert?input=xml&format=yaml", DeepCatalogXml(), "application/xml"},
        {"/api/v1/oscal/convert?input=yaml&format=json", DeepCatalogYaml(), "application/yaml"},
        {"/api/v1/oscal/convert?input=json&format=xml", DeepMarkdownCatalogJson(), "application/json"},
        {"/api/v1/oscal/resolve?input=json", DeepCatalogJson(), "application/json"},
        {"/api/v1/oscal/resolve?input=xml", DeepCatalogXml(), "application/xml"},
        {"/api/v1/oscal/catalogs?input=json", DeepCatalogJson(), "application/json"},
        {"/api/v1/oscal/catalogs?input=xml", DeepCatalogXml(), "application/xml"},
        {"/api/v1/oscal/catalogs?input=yaml", DeepCatalogYaml(), "application/yaml"},
        {"/api/v1/oscal/catalogs?input=json&id=deep-markdown", DeepMarkdownCatalogJson(), "application/json"},
    };
    for (const auto& c : cases) {
        auto r = http.Send("POST", c.path, c.body, c.content_type);
        EXPECT_EQ(r.status, 400) << c.path << ": " << r.status << " " << r.error << " " << r.body.substr(0, 300);
        EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << c.path;
        EXPECT_NE(r.body.find("nested deeper than 64 levels"), std::string::npos)
            << c.path << ": " << r.body.substr(0, 300);
        auto h = http.Get("/api/v1/health");
        ASSERT_EQ(h.status, 200) << "the server stopped serving after " << c.path << ": " << server.Output();
    }
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM change_log"), before) << "a refused body changed something";
    EXPECT_EQ(http.Get("/api/v1/records/asset").status, 200);
}

TEST_P(NestingTest, EveryCommandThatReadsAFileRefusesAHundredThousandLevels) {
    Demo();
    fs::path dir = fs::temp_directory_path() / ("isms-nesting-" + crypto::RandomHex(4));
    fs::create_directories(dir);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name, std::ios::binary) << text;
        return (dir / name).string();
    };
    const std::string items = write("assets.json", DeepItems("name"));
    const std::string risks = write("risks.json", DeepItems("title"));
    const std::string object = write("object.json", "{\"name\": " + Repeat("[", kLevels) + Repeat("]", kLevels) + "}");
    const std::string json = write("catalog.json", DeepCatalogJson());
    const std::string xml = write("catalog.xml", DeepCatalogXml());
    const std::string yaml = write("catalog.yaml", DeepCatalogYaml());
    const std::string markdown = write("markdown.json", DeepMarkdownCatalogJson());
    const std::string before = Sql1("SELECT COUNT(*) FROM change_log");
    const std::vector<std::vector<std::string>> commands = {
        {"--org", "kvarnberg", "record", "import", "asset", items},
        {"--org", "kvarnberg", "record", "add", "asset", "--json", object},
        {"--org", "kvarnberg", "risk", "import", risks},
        {"--org", "kvarnberg", "risk", "criteria", "set", object},
        {"--org", "kvarnberg", "quant", "estimate", "set", "R-1", "--json", object},
        {"quant", "simulate", object},
        {"oscal", "validate", json},
        {"oscal", "validate", xml},
        {"oscal", "validate", yaml},
        {"oscal", "convert", json, "--format", "xml"},
        {"oscal", "convert", xml, "--format", "json"},
        {"oscal", "convert", yaml, "--format", "xml"},
        {"oscal", "convert", markdown, "--format", "xml"},
        {"oscal", "resolve", json},
        {"--org", "kvarnberg", "oscal", "import", "catalog", json},
        {"--org", "kvarnberg", "oscal", "import", "catalog", xml},
        {"--org", "kvarnberg", "oscal", "import", "catalog", yaml},
        {"--org", "kvarnberg", "oscal", "import", "catalog", markdown},
    };
    for (const auto& args : commands) {
        auto r = Isms(args);
        std::string line;
        for (const auto& a : args) line += (a.size() > 60 ? fs::path(a).filename().string() : a) + " ";
        EXPECT_EQ(r.signal, 0) << line << "crashed: " << r;
        EXPECT_EQ(r.exit_code, 3) << line << r.err.substr(0, 300);
        EXPECT_NE(r.err.find("nested deeper than 64 levels"), std::string::npos) << line << r.err.substr(0, 300);
    }
    EXPECT_EQ(Sql1("SELECT COUNT(*) FROM change_log"), before);
    fs::remove_all(dir);
}

ISMS_INSTANTIATE_BACKENDS(NestingTest);

}  // namespace
}  // namespace isms::integration
