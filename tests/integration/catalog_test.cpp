// The catalog as a user meets it: the real `isms` binary's catalog commands and the HTTP routes, on both
// backends.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

class CatalogCliTest : public IntegrationTest {
protected:
    std::string TempFile(const std::string& name, const std::string& content) {
        dir_ = std::filesystem::temp_directory_path() /
               ("isms-catalog-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
        std::filesystem::create_directories(dir_);
        auto path = dir_ / name;
        std::ofstream(path) << content;
        return path.string();
    }
    void TearDown() override {
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
        IntegrationTest::TearDown();
    }
    Json JsonOf(const std::vector<std::string>& args) {
        auto r = Isms(args);
        EXPECT_EQ(r.exit_code, 0) << r;
        return Json::parse(r.out);
    }
    static std::vector<std::string> Lines(const std::string& s) {
        std::vector<std::string> out;
        std::istringstream in(s);
        for (std::string l; std::getline(in, l);) {
            if (!l.empty() && l.back() == '\r') l.pop_back();  // CSV lines end in CRLF (RFC 4180)
            out.push_back(l);
        }
        return out;
    }
    std::filesystem::path dir_;
    int counter_ = 0;
};

// Display width in code points.
size_t Width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

TEST_P(CatalogCliTest, ListsFiltersGroupsAndPivots) {
    Init();
    setenv("COLUMNS", "120", 1);  // as a terminal of 120 columns would
    auto table = Isms({"controls"});
    unsetenv("COLUMNS");
    ASSERT_EQ(table.exit_code, 0) << table;
    auto lines = Lines(table.out);
    size_t rows = 0;
    for (const auto& l : lines) {
        EXPECT_LE(Width(l), 120u) << l;  // fits a terminal
        if (!l.empty() && l[0] >= '5' && l[0] <= '8' && l.find('.') == 1) ++rows;
    }
    EXPECT_EQ(rows, 93u);
    EXPECT_NE(table.out.find("93 of 93 controls"), std::string::npos);
    // All five attribute families, abbreviated, with their legends.
    for (const char* h : {"type", "CIA", "concepts", "capabilities", "domains"})
        EXPECT_NE(lines.at(0).find(h), std::string::npos) << h << " in " << lines.at(0);
    EXPECT_NE(table.out.find("capabilities: Gov governance"), std::string::npos);

    Json j = JsonOf({"controls", "--where", "control_type=Detective and security_properties=Integrity", "--format",
                     "json"});
    ASSERT_GT(j["count"].get<int>(), 0);
    for (const auto& c : j["controls"]) {
        auto types = c["attributes"]["control_type"].get<std::vector<std::string>>();
        auto props = c["attributes"]["security_properties"].get<std::vector<std::string>>();
        EXPECT_TRUE(std::count(types.begin(), types.end(), "Detective")) << c["id"];
        EXPECT_TRUE(std::count(props.begin(), props.end(), "Integrity")) << c["id"];
    }

    auto csv = Isms({"controls", "--where", "theme in (people, physical) or id=8.16", "--sort", "title", "--format",
                     "csv", "--columns", "id,title"});
    ASSERT_EQ(csv.exit_code, 0) << csv;
    auto csv_lines = Lines(csv.out);
    ASSERT_EQ(csv_lines.size(), 1u + 8u + 14u + 1u);
    EXPECT_EQ(csv_lines[0], "id,title");
    EXPECT_EQ(csv_lines[1], "7.12,Cabling security");

    Json groups = JsonOf({"controls", "--group-by", "operational_capabilities", "--format", "json"});
    int sum = 0;
    for (const auto& g : groups["groups"]) sum += g["count"].get<int>();
    EXPECT_GT(sum, 93);
    EXPECT_EQ(groups["groups"].size(), 15u);

    auto pivot = Isms({"controls", "--pivot", "control_type,security_domains", "--format", "csv"});
    ASSERT_EQ(pivot.exit_code, 0) << pivot;
    auto pivot_lines = Lines(pivot.out);
    EXPECT_EQ(pivot_lines.front().rfind("control_type \\ security_domains,", 0), 0u) << pivot.out;
    EXPECT_EQ(pivot_lines.back().substr(pivot_lines.back().rfind(',') + 1), "93");

    auto bad = Isms({"controls", "--where", "control_typ=Detective"});
    EXPECT_EQ(bad.exit_code, 3) << bad;
    EXPECT_NE(bad.err.find("valid: id, title, theme, control_type"), std::string::npos) << bad;
    auto syntax = Isms({"controls", "--where", "theme = people and"});
    EXPECT_EQ(syntax.exit_code, 3) << syntax;
    EXPECT_NE(syntax.err.find("column 19"), std::string::npos) << syntax;
}

TEST_P(CatalogCliTest, ShowsTransitionsViewsTextsAndOverrides) {
    Init();
    Json c = JsonOf({"controls", "show", "5.7", "--format", "json"});
    EXPECT_EQ(c["title"], "Threat intelligence");
    EXPECT_EQ(c["new_in_2022"], true);
    EXPECT_TRUE(c["predecessors"].empty());
    EXPECT_EQ(Isms({"controls", "show", "9.99"}).exit_code, 4);

    Json t = JsonOf({"transition", "A.12.4.1", "--format", "json"});
    EXPECT_EQ(t["mapping"][0]["id_2022"], "8.15");
    Json back = JsonOf({"transition", "8.15", "--format", "json"});
    EXPECT_EQ(back["mapping"].size(), 3u);

    auto saved = Isms({"views", "save", "detective-soc", "--where", "cybersecurity_concepts=Detect", "--group-by",
                       "theme"});
    ASSERT_EQ(saved.exit_code, 0) << saved;
    auto run = Isms({"views", "run", "detective-soc", "--format", "csv"});
    ASSERT_EQ(run.exit_code, 0) << run;
    EXPECT_EQ(Lines(run.out)[0].rfind("group,id,title,theme", 0), 0u) << run.out;
    Json listed = JsonOf({"views", "list", "--format", "json"});
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["group_by"], "theme");
    EXPECT_EQ(Isms({"views", "show", "detective-soc"}).exit_code, 0);
    EXPECT_EQ(Isms({"views", "delete", "detective-soc"}).exit_code, 0);
    EXPECT_EQ(Isms({"views", "run", "detective-soc"}).exit_code, 4);

    // A malformed licensed-text file imports nothing and names the line.
    auto bad = Isms({"catalog", "import-text", TempFile("bad.csv", "id,description\n5.1,ours\n9.99,nope\n")});
    EXPECT_EQ(bad.exit_code, 3) << bad;
    EXPECT_NE(bad.err.find("line 3"), std::string::npos) << bad;
    EXPECT_TRUE(JsonOf({"controls", "show", "5.1", "--format", "json"})["text"].empty());
    auto good = Isms({"catalog", "import-text", TempFile("my-licensed-text.csv", "id,description\n5.1,Our words\n")});
    EXPECT_EQ(good.exit_code, 0) << good;
    EXPECT_EQ(JsonOf({"controls", "show", "5.1", "--format", "json"})["text"]["description"], "Our words");
    EXPECT_EQ(Isms({"catalog", "import-text", "/nonexistent/file.csv"}).exit_code, 4);

    auto tag = Isms({"controls", "tag", "5.22", "--set", "operational_capabilities=Supplier_relationships_security"});
    ASSERT_EQ(tag.exit_code, 0) << tag;
    Json after = JsonOf({"controls", "show", "5.22", "--format", "json"});
    EXPECT_EQ(after["attributes"]["operational_capabilities"], Json({"Supplier_relationships_security"}));
    Json history = JsonOf({"log", "show", "--entity", "control_override", "--format", "json"});
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0]["id"], "iso27001-2022:5.22");
    EXPECT_EQ(Isms({"controls", "tag", "5.22", "--set", "theme=people"}).exit_code, 3);

    Json frameworks = JsonOf({"frameworks", "--format", "json"});
    ASSERT_EQ(frameworks.size(), 1u);
    EXPECT_EQ(frameworks[0]["controls"], 93);
    EXPECT_EQ(Isms({"log", "verify"}).exit_code, 0);
}

TEST_P(CatalogCliTest, ServesTheCatalogOverHttp) {
    Init();
    auto& http = StartServer().http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "administrator"));
    const std::string base = "/api/v1/frameworks/iso27001-2022";
    auto list = http.Get(base + "/controls?where=" + UrlEncode("theme=people") + "&sort=-id&group_by=control_type");
    ASSERT_EQ(list.status, 200) << list;
    Json j = list.Json();
    EXPECT_EQ(j["count"], 8);
    EXPECT_EQ(j["controls"][0]["id"], "6.8");
    EXPECT_FALSE(j["groups"].empty());
    auto csv = http.Get(base + "/controls?pivot=theme,control_type&format=csv");
    EXPECT_EQ(csv.status, 200);
    EXPECT_EQ(csv.Header("content-type").rfind("text/csv", 0), 0u);

    auto bad = http.Get(base + "/controls?where=" + UrlEncode("theme = peple"));
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.Json()["errors"][0]["allowed"][1], "people");
    EXPECT_EQ(http.Get(base + "/controls/9.99").status, 404);
    EXPECT_EQ(http.Get("/api/v1/frameworks/nist/controls").status, 404);

    auto put = http.Put(base + "/controls/8.16/attributes", {{"add", {{"control_type", {"Preventive"}}}}});
    ASSERT_EQ(put.status, 200) << put;
    EXPECT_EQ(put.Json()["overridden"], true);
    auto found = http.Get(base + "/controls?where=" + UrlEncode("overridden=true")).Json();
    EXPECT_EQ(found["count"], 1);

    auto texts = http.Send("POST", base + "/texts?source=upload.csv", "id,description\n8.16,watching\n", "text/csv");
    ASSERT_EQ(texts.status, 200) << texts;
    EXPECT_EQ(http.Get(base + "/controls/8.16").Json()["text"]["description"], "watching");

    auto created = http.Post("/api/v1/views", {{"name", "board"}, {"pivot", "theme,control_type"}});
    EXPECT_EQ(created.status, 201) << created;
    EXPECT_EQ(http.Post("/api/v1/views", {{"name", "board"}}).status, 409);
    EXPECT_EQ(http.Get("/api/v1/views/board/run").Json()["pivot"]["total"], 93);
    EXPECT_EQ(http.Put("/api/v1/views/board", {{"where", "theme=people"}}).status, 200);
    EXPECT_EQ(http.Put("/api/v1/views/nothing", {{"where", "theme=people"}}).status, 404);
    EXPECT_EQ(http.Get("/api/v1/views").Json()["items"].size(), 1u);
    EXPECT_EQ(http.Delete("/api/v1/views/board").status, 204);
    EXPECT_EQ(http.Get("/api/v1/views/board").status, 404);

    auto vocab = http.Get(base + "/vocabulary").Json();
    int detect = 0;
    for (const auto& f : vocab["fields"])
        if (f["name"] == "cybersecurity_concepts")
            for (const auto& v : f["values"])
                if (v["value"] == "Detect") detect = v["count"];
    EXPECT_EQ(detect, 14);
    EXPECT_EQ(http.Get("/api/v1/transition/A.18.2.3").Json()["mapping"].size(), 2u);
    EXPECT_EQ(http.Get("/api/v1/frameworks").Json()["items"][0]["id"], "iso27001-2022");
}

ISMS_INSTANTIATE_BACKENDS(CatalogCliTest);

}  // namespace
}  // namespace isms::integration
