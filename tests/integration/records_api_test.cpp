// ISMS records through the real binary: the record API end to end for assets (with persons) and documents,
// optimistic concurrency with ETag/If-Match, imports over HTTP, attachments, and a record type that exists
// only as a YAML file in a test folder, served by the API and the CLI without any code.
#include <set>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

const std::string kTestSchemas = std::string(ISMS_SOURCE_DIR) + "/tests/data/records/schemas";

class RecordsApiTest : public IntegrationTest {
protected:
    static std::string Field(const Json& problem, const std::string& field) {
        for (const auto& e : problem.value("errors", Json::array()))
            if (e.value("field", "") == field) return e.value("message", "");
        return "";
    }
};

TEST_P(RecordsApiTest, AssetsAndPersonsEndToEnd) {
    Init();
    auto& http = StartServer().http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "administrator"));

    // The type metadata a form is rendered from.
    auto meta = http.Get("/api/v1/record-types/asset");
    ASSERT_EQ(meta.status, 200) << meta;
    EXPECT_EQ(meta.Json()["title_field"], "name");
    auto types = http.Get("/api/v1/record-types").Json()["items"];
    EXPECT_GE(types.size(), 17u);

    auto person = http.Post("/api/v1/records/person", {{"data", {{"name", "Anna Berg"}, {"email", "anna@k.se"}}}});
    ASSERT_EQ(person.status, 201) << person;
    EXPECT_EQ(person.Header("Location"), "/api/v1/records/person/PER-1");

    // Bad input: every problem named, with the allowed values.
    auto bad = http.Post("/api/v1/records/asset",
                         {{"data", {{"name", "Laptop"}, {"asset_type", "gizmo"}, {"owner", "PER-9"}, {"colour", 1}}}});
    ASSERT_EQ(bad.status, 400) << bad;
    EXPECT_EQ(bad.Header("Content-Type"), "application/problem+json");
    auto p = bad.Json();
    EXPECT_NE(Field(p, "asset_type").find("gizmo"), std::string::npos) << p;
    EXPECT_NE(Field(p, "owner").find("no person 'PER-9'"), std::string::npos) << p;
    EXPECT_NE(Field(p, "colour").find("unknown field"), std::string::npos) << p;
    bool allowed_listed = false;
    for (const auto& e : p["errors"])
        if (e["field"] == "asset_type") allowed_listed = e["allowed"].size() == 7;
    EXPECT_TRUE(allowed_listed) << p;

    // Fields given directly (without "data") work too; the owner may be named by e-mail.
    auto created = http.Post("/api/v1/records/asset",
                             {{"name", "Payroll platform"}, {"asset_type", "service"}, {"owner", "anna@k.se"},
                              {"confidentiality", 5}, {"integrity", 5}, {"availability", 4}});
    ASSERT_EQ(created.status, 201) << created;
    auto asset = created.Json();
    EXPECT_EQ(asset["id"], "AST-1");
    EXPECT_EQ(asset["data"]["owner"], "PER-1");
    EXPECT_EQ(created.Header("ETag"), "\"1\"");

    // Read, list with a filter, search.
    auto got = http.Get("/api/v1/records/asset/AST-1");
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.Header("ETag"), "\"1\"");
    EXPECT_EQ(http.Get("/api/v1/records/asset?owner=PER-1").Json()["items"].size(), 1u);
    EXPECT_EQ(http.Get("/api/v1/records/asset?q=payroll").Json()["items"].size(), 1u);
    EXPECT_EQ(http.Get("/api/v1/records/asset?q=nothing-like-it").Json()["items"].size(), 0u);
    EXPECT_EQ(http.Get("/api/v1/records/asset?colour=red").status, 400);
    EXPECT_EQ(http.Get("/api/v1/records/asset?where=" + UrlEncode("confidentiality = 5 and asset_type = service"))
                  .Json()["items"]
                  .size(),
              1u);
    auto bad_where = http.Get("/api/v1/records/asset?where=" + UrlEncode("asset_type = castle"));
    EXPECT_EQ(bad_where.status, 400);
    EXPECT_NE(bad_where.body.find("hardware"), std::string::npos) << bad_where;
    // The person shows who links to it.
    auto anna = http.Get("/api/v1/records/person/PER-1").Json();
    ASSERT_EQ(anna["linked_from"].size(), 1u);
    EXPECT_EQ(anna["linked_from"][0]["id"], "AST-1");

    // Optimistic concurrency: the second writer with the old ETag gets 412 and changes nothing.
    auto first = http.Patch("/api/v1/records/asset/AST-1", {{"data", {{"location", "Stockholm"}}}},
                            {{"If-Match", "\"1\""}});
    ASSERT_EQ(first.status, 200) << first;
    EXPECT_EQ(first.Header("ETag"), "\"2\"");
    auto second = http.Patch("/api/v1/records/asset/AST-1", {{"data", {{"location", "Göteborg"}}}},
                             {{"If-Match", "\"1\""}});
    EXPECT_EQ(second.status, 412) << second;
    EXPECT_EQ(second.Json()["code"], "precondition_failed");
    EXPECT_EQ(http.Get("/api/v1/records/asset/AST-1").Json()["data"]["location"], "Stockholm");
    EXPECT_EQ(http.Patch("/api/v1/records/asset/AST-1", {{"data", {{"location", "x"}}}}, {{"If-Match", "soon"}}).status,
              400);

    // Workflow: an illegal transition names the allowed ones.
    auto illegal = http.Post("/api/v1/records/asset/AST-1/transitions", {{"transition", "dispose"}});
    EXPECT_EQ(illegal.status, 400);
    EXPECT_NE(illegal.Json()["detail"].get<std::string>().find("allowed: retire"), std::string::npos) << illegal;

    // History from the change log, field by field.
    auto history = http.Get("/api/v1/records/asset/AST-1/history").Json()["items"];
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1]["op"], "update");
    EXPECT_EQ(history[1]["changes"][0]["field"], "location");
    EXPECT_EQ(history[1]["changes"][0]["after"], "Stockholm");

    // Deleting a linked person is refused naming the linker; archiving works.
    auto del = http.Delete("/api/v1/records/person/PER-1");
    EXPECT_EQ(del.status, 409);
    EXPECT_NE(del.Json()["detail"].get<std::string>().find("asset AST-1"), std::string::npos) << del;
    auto archived = http.Patch("/api/v1/records/person/PER-1", {{"archived", true}});
    ASSERT_EQ(archived.status, 200) << archived;
    EXPECT_EQ(archived.Json()["archived"], true);
    EXPECT_EQ(http.Get("/api/v1/records/person").Json()["items"].size(), 0u);
    EXPECT_EQ(http.Get("/api/v1/records/person?archived=true").Json()["items"].size(), 1u);
    EXPECT_EQ(http.Patch("/api/v1/records/person/PER-1", {{"archived", false}}).status, 200);

    // CSV import over HTTP: all or nothing, every bad line reported.
    std::string csv = "name,asset_type,owner\nLaptops,hardware,PER-1\nOffice,palace,PER-1\nHR data,information,x@y.z\n";
    auto imp = http.Send("POST", "/api/v1/records/asset/import", csv, "text/csv");
    ASSERT_EQ(imp.status, 400) << imp;
    std::set<int> lines;
    Json problem = imp.Json();
    for (const auto& e : problem["errors"]) lines.insert(e.value("line", 0));
    EXPECT_EQ(lines, (std::set<int>{3, 4})) << imp;
    EXPECT_EQ(http.Get("/api/v1/records/asset").Json()["items"].size(), 1u);
    csv = "name,asset_type,owner\nLaptops,hardware,PER-1\nOffice,site,PER-1\n";
    imp = http.Send("POST", "/api/v1/records/asset/import", csv, "text/csv");
    ASSERT_EQ(imp.status, 201) << imp;
    EXPECT_EQ(imp.Json()["created"], 2);
    auto exported = http.Get("/api/v1/records/asset/export?format=csv");
    ASSERT_EQ(exported.status, 200);
    EXPECT_NE(exported.Header("Content-Type").find("text/csv"), std::string::npos);
    EXPECT_NE(exported.body.find("Payroll platform"), std::string::npos);
    EXPECT_NE(exported.body.find("Office"), std::string::npos);

    // Pagination with a cursor covers every record once.
    std::vector<std::string> ids;
    std::string path = "/api/v1/records/asset?limit=2";
    for (int i = 0; i < 5; ++i) {
        auto page = http.Get(path).Json();
        for (const auto& r : page["items"]) ids.push_back(r["id"]);
        if (page["next_cursor"].is_null()) break;
        path = "/api/v1/records/asset?limit=2&cursor=" + page["next_cursor"].get<std::string>();
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"AST-1", "AST-2", "AST-3"}));

    // Everything is due within a year and a day.
    auto due = http.Get("/api/v1/records-due?within=366").Json()["items"];
    EXPECT_EQ(due.size(), 3u);
    EXPECT_EQ(http.Get("/api/v1/records-due?within=soon").status, 400);
}

TEST_P(RecordsApiTest, DocumentsAreApprovedRevisedAttachedAndAcknowledged) {
    Init();
    auto& http = StartServer().http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "administrator"));
    ASSERT_EQ(http.Post("/api/v1/records/person", {{"name", "Anna"}, {"email", "anna@k.se"}}).status, 201);
    ASSERT_EQ(http.Post("/api/v1/records/person", {{"name", "Bo"}, {"email", "bo@k.se"}}).status, 201);
    auto doc = http.Post("/api/v1/records/document",
                         {{"identifier", "POL-001"}, {"title", "Information security policy"}, {"kind", "policy"},
                          {"owner", "PER-1"}, {"content", "First text"}});
    ASSERT_EQ(doc.status, 201) << doc;
    const std::string base = "/api/v1/records/document/DOC-1";

    // Approval needs an approver: the error names the field.
    auto no_approver = http.Post(base + "/transitions", {{"transition", "submit"}});
    ASSERT_EQ(no_approver.status, 200);
    auto approve = http.Post(base + "/transitions", {{"transition", "approve"}});
    EXPECT_EQ(approve.status, 400);
    EXPECT_EQ(approve.Json()["errors"][0]["field"], "approver") << approve;
    ASSERT_EQ(http.Patch(base, {{"approver", "PER-1"}}).status, 200);
    approve = http.Post(base + "/transitions", {{"transition", "approve"}});
    ASSERT_EQ(approve.status, 200) << approve;
    EXPECT_EQ(approve.Json()["approved_by"], "token:test");  // the API token the test acts with
    EXPECT_FALSE(approve.Json()["data"]["approval_date"].is_null());
    auto published = http.Post(base + "/transitions", {{"transition", "publish"}},
                               {{"If-Match", approve.Header("ETag")}});
    ASSERT_EQ(published.status, 200) << published;

    // Who has and has not acknowledged.
    auto acks = http.Post(base + "/acknowledgements", {{"person", "PER-2"}});
    ASSERT_EQ(acks.status, 201) << acks;
    EXPECT_EQ(acks.Json()["acknowledged"].size(), 1u);
    EXPECT_EQ(acks.Json()["pending"][0]["person"], "PER-1");

    // Editing the published document starts revision 2 as a draft; revision 1 stays readable.
    auto edited = http.Patch(base, {{"data", {{"content", "Second text"}}}});
    ASSERT_EQ(edited.status, 200) << edited;
    EXPECT_EQ(edited.Json()["revision"], 2);
    EXPECT_EQ(edited.Json()["state"], "draft");
    auto rev1 = http.Get(base + "/revisions/1");
    ASSERT_EQ(rev1.status, 200) << rev1;
    EXPECT_EQ(rev1.Json()["data"]["content"], "First text");
    EXPECT_EQ(rev1.Json()["state"], "published");
    EXPECT_EQ(http.Get(base + "/acknowledgements").Json()["revision"], 1);

    // Attachments: stored by SHA-256, served as a download, HTML never as HTML, size limit.
    auto up = http.Send("POST", base + "/attachments?filename=policy.html",
                        "<!doctype html><script>alert(1)</script>", "text/html");
    ASSERT_EQ(up.status, 201) << up;
    std::string sha = up.Json()["data"]["attachments"][0];
    auto down = http.Get(base + "/attachments/" + sha);
    ASSERT_EQ(down.status, 200) << down;
    EXPECT_EQ(down.body, "<!doctype html><script>alert(1)</script>");
    EXPECT_EQ(down.Header("Content-Type").find("html"), std::string::npos) << down.Header("Content-Type");
    EXPECT_EQ(down.Header("Content-Disposition").rfind("attachment;", 0), 0u);
    EXPECT_EQ(down.Header("X-Content-Type-Options"), "nosniff");
    auto big = http.Send("POST", base + "/attachments?filename=big.bin", std::string(5 * 1024 * 1024 + 1, 'x'),
                         "application/octet-stream");
    EXPECT_EQ(big.status, 413) << big.status;
    EXPECT_EQ(http.Get(base + "/attachments/" + std::string(64, '0')).status, 404);

    // The routes are in the OpenAPI document.
    Json openapi = http.Get("/api/v1/openapi.json").Json();
    const Json& paths = openapi["paths"];
    for (const char* route : {"/api/v1/record-types", "/api/v1/record-types/{type}", "/api/v1/records/{type}",
                              "/api/v1/records/{type}/{id}", "/api/v1/records/{type}/{id}/transitions",
                              "/api/v1/records/{type}/{id}/history", "/api/v1/records/{type}/import",
                              "/api/v1/records/{type}/export", "/api/v1/records-due"})
        EXPECT_TRUE(paths.contains(route)) << route;
}

TEST_P(RecordsApiTest, ATypeAddedByAYamlFileAloneIsServedByApiAndCli) {
    Init();
    RunOptions env;
    env.env = {{"ISMS_RECORD_SCHEMAS", kTestSchemas}};
    // The CLI knows the type from the folder alone.
    auto add = Isms({"record", "add", "test_gadget", "--set", "label=Sprocket", "--set", "weight=7", "--set",
                     "tags=a;b"},
                    env);
    ASSERT_EQ(add.exit_code, 0) << add;
    auto bad = Isms({"record", "add", "test_gadget", "--set", "label=X", "--set", "colour=pink"}, env);
    EXPECT_EQ(bad.exit_code, 3) << bad;
    EXPECT_NE(bad.err.find("red, green, blue"), std::string::npos) << bad;
    // Without the folder the type does not exist.
    EXPECT_EQ(Isms({"record", "list", "test_gadget"}).exit_code, 4);

    ServerOptions so;
    so.run = env;
    auto& http = StartServer(so).http();
    http.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "administrator"));
    auto meta = http.Get("/api/v1/record-types/test_gadget");
    ASSERT_EQ(meta.status, 200) << meta;
    EXPECT_EQ(meta.Json()["id_prefix"], "GAD");
    auto list = http.Get("/api/v1/records/test_gadget").Json()["items"];
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["data"]["tags"], Json({"a", "b"}));
    auto checked = http.Post("/api/v1/records/test_gadget/GAD-1/transitions", {{"transition", "check"}});
    ASSERT_EQ(checked.status, 200) << checked;
    auto sealed = http.Post("/api/v1/records/test_gadget/GAD-1/transitions", {{"transition", "seal"}});
    ASSERT_EQ(sealed.status, 200) << sealed;
    auto revised = http.Patch("/api/v1/records/test_gadget/GAD-1", {{"weight", 8}});
    EXPECT_EQ(revised.Json()["revision"], 2);
    EXPECT_EQ(revised.Json()["state"], "new");
}

ISMS_INSTANTIATE_BACKENDS(RecordsApiTest);

}  // namespace
}  // namespace isms::integration
