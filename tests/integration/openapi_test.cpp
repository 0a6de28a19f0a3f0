// The OpenAPI document against the running server, in both directions:
//   - the document is structurally OpenAPI 3.1 (required keys, every path parameter declared, refs resolve);
//   - every documented operation exists: calling it (placeholder path parameters, an empty JSON body) is
//     never answered "no such API route" or 405, never with a 5xx, and only with documented statuses;
//   - every route that exists is documented: `isms api routes` (the router table `serve` dispatches from)
//     equals the documented operations, and for every documented path the server's own 405 Allow header
//     names exactly the documented methods;
//   - what the server sends is what the document says: every JSON answer of a GET on the demo organisation is
//     valid against its documented response schema (the web application's types are generated from them).
// Routes added later by any module are covered without touching this file.
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <regex>
#include <set>

#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
const std::vector<std::string> kProbeMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};

std::string Upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::string> Segments(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        if (j > i) out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

bool IsTemplate(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

std::set<std::string> TemplateParams(const std::string& path) {
    std::set<std::string> out;
    for (const auto& s : Segments(path))
        if (IsTemplate(s)) out.insert(s.substr(1, s.size() - 2));
    return out;
}

// "/api/v1/frameworks/{framework}/controls" → "/api/v1/frameworks/isms-probe-framework/controls"
std::string Concrete(const std::string& path) {
    std::string out;
    for (const auto& s : Segments(path)) out += "/" + (IsTemplate(s) ? "isms-probe-" + s.substr(1, s.size() - 2) : s);
    return out;
}

bool TemplateMatches(const std::string& tmpl, const std::string& concrete) {
    auto t = Segments(tmpl), c = Segments(concrete);
    if (t.size() != c.size()) return false;
    for (size_t i = 0; i < t.size(); ++i)
        if (!IsTemplate(t[i]) && t[i] != c[i]) return false;
    return true;
}

// Resolves a local "$ref" ("#/components/…") in the document; null when it does not resolve.
Json Resolve(const Json& doc, const std::string& ref) {
    if (ref.rfind("#/", 0) != 0) return nullptr;
    try {
        return doc.at(Json::json_pointer(ref.substr(1)));
    } catch (const std::exception&) {
        return nullptr;
    }
}

void CollectRefs(const Json& j, std::vector<std::string>& out) {
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) {
            if (k == "$ref" && v.is_string()) out.push_back(v);
            CollectRefs(v, out);
        }
    } else if (j.is_array()) {
        for (const auto& v : j) CollectRefs(v, out);
    }
}

class OpenApiTest : public IntegrationTest {
  protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (IsSkipped()) return;
        Demo();
        auto r = StartServer().http().Get("/api/v1/openapi.json");
        ASSERT_EQ(r.status, 200) << r;
        ASSERT_NE(r.Header("Content-Type").find("application/json"), std::string::npos) << r;
        doc_ = r.Json();
        ASSERT_TRUE(doc_.is_object());
        ASSERT_TRUE(doc_.contains("paths") && doc_["paths"].is_object()) << doc_.dump(2).substr(0, 2000);
        for (const auto& [path, item] : doc_["paths"].items())
            for (const auto& [method, op] : item.items())
                if (kMethods.count(method)) operations_.insert({Upper(method), path});
    }
    Json doc_;
    std::set<std::pair<std::string, std::string>> operations_;  // (METHOD, path template)
};

TEST_P(OpenApiTest, TheDocumentIsStructurallyOpenApi31) {
    ASSERT_TRUE(doc_["openapi"].is_string());
    EXPECT_EQ(doc_["openapi"].get<std::string>().rfind("3.1.", 0), 0u) << doc_["openapi"];
    ASSERT_TRUE(doc_["info"].is_object());
    EXPECT_TRUE(doc_["info"]["title"].is_string());
    EXPECT_TRUE(doc_["info"]["version"].is_string());
    EXPECT_FALSE(operations_.empty());

    std::set<std::string> operation_ids, declared_tags;
    for (const auto& t : doc_.value("tags", Json::array())) declared_tags.insert(t.value("name", ""));
    std::set<std::string> schemes;
    Json security_schemes = doc_["components"].value("securitySchemes", Json::object());
    for (const auto& [name, s] : security_schemes.items()) {
        schemes.insert(name);
        EXPECT_TRUE(s.contains("type")) << name;
    }
    auto check_security = [&](const Json& sec, const std::string& where) {
        ASSERT_TRUE(sec.is_array()) << where;
        for (const auto& req : sec)
            for (const auto& [name, scopes] : req.items()) EXPECT_TRUE(schemes.count(name)) << where << ": " << name;
    };
    check_security(doc_.value("security", Json::array()), "top level");

    static const std::regex kStatus(R"([1-5]([0-9]{2}|XX)|default)");
    for (const auto& [path, item] : doc_["paths"].items()) {
        EXPECT_EQ(path.rfind("/api/v1/", 0), 0u) << path;
        std::set<std::string> templ = TemplateParams(path);
        for (const auto& [key, op] : item.items()) {
            static const std::set<std::string> kOther = {"parameters", "summary", "description", "servers", "$ref"};
            ASSERT_TRUE(kMethods.count(key) || kOther.count(key)) << path << ": unknown key " << key;
            if (!kMethods.count(key)) continue;
            std::string where = Upper(key) + " " + path;
            ASSERT_TRUE(op.is_object()) << where;

            std::string id = op.value("operationId", "");
            EXPECT_FALSE(id.empty()) << where << ": operationId";
            EXPECT_TRUE(operation_ids.insert(id).second) << where << ": operationId " << id << " is not unique";
            EXPECT_FALSE(op.value("summary", "").empty()) << where << ": summary";
            for (const auto& t : op.value("tags", Json::array())) EXPECT_TRUE(declared_tags.count(t)) << where << t;
            if (op.contains("security")) check_security(op["security"], where);

            // Parameters: well-formed, unique per (name, in), and the path ones exactly the template's.
            std::set<std::pair<std::string, std::string>> seen;
            std::set<std::string> path_params;
            for (const auto& p : op.value("parameters", Json::array())) {
                std::string name = p.value("name", ""), in = p.value("in", "");
                EXPECT_FALSE(name.empty()) << where;
                EXPECT_TRUE(in == "query" || in == "header" || in == "path" || in == "cookie")
                    << where << ": in=" << in;
                EXPECT_TRUE(p.contains("schema") || p.contains("content")) << where << ": " << name;
                EXPECT_TRUE(seen.insert({name, in}).second) << where << ": parameter " << name << " twice";
                if (in == "path") {
                    path_params.insert(name);
                    EXPECT_EQ(p.value("required", false), true) << where << ": path parameter " << name;
                }
            }
            EXPECT_EQ(path_params, templ) << where << ": declared path parameters differ from the template's";

            if (op.contains("requestBody")) {
                EXPECT_TRUE(op["requestBody"].contains("content") || op["requestBody"].contains("$ref")) << where;
            }
            ASSERT_TRUE(op.contains("responses") && op["responses"].is_object() && !op["responses"].empty())
                << where << ": responses";
            for (const auto& [status, resp] : op["responses"].items()) {
                EXPECT_TRUE(std::regex_match(status, kStatus)) << where << ": response key " << status;
                Json r = resp.contains("$ref") ? Resolve(doc_, resp["$ref"]) : resp;
                EXPECT_TRUE(r.is_object() && r.contains("description")) << where << ": response " << status;
            }
        }
    }
    std::vector<std::string> refs;
    CollectRefs(doc_, refs);
    for (const auto& ref : refs) EXPECT_FALSE(Resolve(doc_, ref).is_null()) << "unresolved $ref " << ref;
}

TEST_P(OpenApiTest, EveryDocumentedOperationExistsAndAnswersAsDocumented) {
    auto& http = server()->http();
    for (const auto& [method, path] : operations_) {
        std::string where = method + " " + path;
        std::string concrete = Concrete(path);
        bool with_body = method == "POST" || method == "PUT" || method == "PATCH";
        auto r = http.Send(method, concrete, with_body ? "{}" : "");
        ASSERT_NE(r.status, 0) << where << ": " << r;
        EXPECT_NE(r.status, 405) << where << " is documented but the server does not route it: " << r;
        if (r.status == 404 && r.Header("Content-Type") == "application/problem+json") {
            EXPECT_EQ(r.Json().value("detail", "").find("no such API route"), std::string::npos)
                << where << " is documented but the server does not route it";
        }
        EXPECT_LT(r.status, 500) << where << " failed on placeholder input: " << r;
        std::string lower = method;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const Json& responses = doc_["paths"][path][lower]["responses"];
        std::string status = std::to_string(r.status);
        EXPECT_TRUE(responses.contains(status) || responses.contains(status.substr(0, 1) + "XX") ||
                    responses.contains("default"))
            << where << " answered " << r.status << ", which its OpenAPI operation does not document "
            << "(RouteDoc.errors): " << r;
        if (r.status >= 400) {
            EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << where << ": " << r;
        }
    }
}

TEST_P(OpenApiTest, EveryRoutedOperationIsDocumented) {
    // The router table `isms serve` dispatches from, printed by the CLI.
    auto routes = Isms({"--format", "json", "api", "routes"});
    ASSERT_EQ(routes.exit_code, 0) << routes;
    std::set<std::pair<std::string, std::string>> routed;
    for (const auto& r : Json::parse(routes.out)) routed.insert({r["method"].get<std::string>(), r["path"].get<std::string>()});
    EXPECT_FALSE(routed.empty());
    for (const auto& op : routed)
        EXPECT_TRUE(operations_.count(op)) << op.first << " " << op.second << " is routed but not documented";
    for (const auto& op : operations_)
        EXPECT_TRUE(routed.count(op)) << op.first << " " << op.second << " is documented but not in the route table";

    // The CLI's offline document is the served one.
    auto offline = Isms({"api", "openapi"});
    ASSERT_EQ(offline.exit_code, 0) << offline;
    EXPECT_EQ(Json::parse(offline.out), doc_);
}

TEST_P(OpenApiTest, TheServersAllowHeaderNamesExactlyTheDocumentedMethods) {
    auto& http = server()->http();
    std::set<std::string> paths;
    for (const auto& op : operations_) paths.insert(op.second);
    for (const auto& path : paths) {
        std::string concrete = Concrete(path);
        std::set<std::string> documented;  // every documented template the concrete path matches
        for (const auto& [m, p] : operations_)
            if (TemplateMatches(p, concrete)) documented.insert(m);
        std::string probe;
        for (const auto& m : kProbeMethods)
            if (!documented.count(m)) probe = m;
        if (probe.empty()) continue;  // every method is documented here: nothing can be undocumented
        auto r = http.Send(probe, concrete, probe == "GET" || probe == "DELETE" ? "" : "{}");
        ASSERT_EQ(r.status, 405) << probe << " " << concrete << " (" << path << "): " << r;
        std::set<std::string> allowed;
        std::stringstream ss(r.Header("Allow"));
        std::string m;
        while (std::getline(ss, m, ',')) {
            m.erase(0, m.find_first_not_of(' '));
            allowed.insert(m);
        }
        EXPECT_EQ(allowed, documented) << path << ": the server allows other methods than the document names";
    }
}

// The errors valijson finds in `value` against `schema` (a JSON Schema without remote references), one per line.
std::string SchemaErrors(const Json& schema, const Json& value) {
    valijson::Schema parsed;
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter schema_adapter(schema);
    parser.populateSchema(schema_adapter, parsed);
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(value);
    if (validator.validate(parsed, target, &results)) return "";
    std::string out;
    valijson::ValidationResults::Error e;
    while (results.popError(e)) {
        std::string where;
        for (const auto& c : e.context) where += c;
        out += where + ": " + e.description + "\n";
    }
    return out;
}

TEST_P(OpenApiTest, JsonAnswersOfTheDemoMatchTheirDocumentedSchemas) {
    // The checker itself finds what is wrong.
    ASSERT_NE(SchemaErrors({{"type", "object"}, {"required", {"items"}}}, Json::object()), "");
    ASSERT_NE(SchemaErrors({{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}}, {{"n", "x"}}), "");
    ASSERT_EQ(SchemaErrors({{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}}, {{"n", 1}}), "");

    auto& http = server()->http();
    SignIn(http, "mikael", "kvarnberg-administrator");
    // The demo has no API token: create one (its answer is checked too) so that the token list is not empty.
    auto created = http.Post("/api/v1/tokens", {{"name", "conformance"}, {"role", "viewer"}});
    ASSERT_EQ(created.status, 201) << created;
    EXPECT_EQ(SchemaErrors(doc_["paths"]["/api/v1/tokens"]["post"]["responses"]["201"]["content"]["application/json"]
                               .value("schema", Json::object()),
                           created.Json()),
              "");
    auto first_id = [&](const std::string& list) -> std::string {
        Json items = http.Get(list).Json().value("items", Json::array());
        return items.empty() ? "" : items[0].value("id", "");
    };
    // Values for the path parameters, from the demo organisation.
    const std::string action = first_id("/api/v1/risk/actions");
    const std::string run = first_id("/api/v1/quant/runs");
    Json views = http.Get("/api/v1/views").Json().value("items", Json::array());
    const std::string view = views.empty() ? "" : views[0].value("name", "");
    auto fill = [&](const std::string& path) -> std::string {
        std::string type = path.find("/acknowledgements") != std::string::npos || path.find("/revisions") != std::string::npos
                               ? "document"
                               : "asset";
        std::map<std::string, std::string> v = {{"framework", "iso27001-2022"}, {"type", type}, {"control", "5.1"},
                                                {"kind", "threats"},           {"version", "1"}, {"username", "mikael"},
                                                {"risk", "R-1"},               {"name", view},   {"revision", "1"}};
        if (path.rfind("/api/v1/frameworks/", 0) == 0) v["id"] = "5.1";
        if (path.rfind("/api/v1/records/", 0) == 0) v["id"] = type == "document" ? "DOC-1" : "AST-1";
        if (path.rfind("/api/v1/risks/", 0) == 0) v["id"] = "R-1";
        if (path.rfind("/api/v1/risk/actions/", 0) == 0) v["id"] = action;
        if (path.rfind("/api/v1/quant/runs/", 0) == 0) v["id"] = run;
        if (path.rfind("/api/v1/transition/", 0) == 0) v["id"] = "8.16";
        if (path.rfind("/api/v1/metrics/", 0) == 0) v["id"] = "MET-1";
        if (path.rfind("/api/v1/audits/", 0) == 0) v["id"] = "AUD-1";
        if (path.rfind("/api/v1/management-reviews/", 0) == 0) v["id"] = "MR-1";
        std::string out;
        for (const auto& seg : Segments(path)) {
            if (!IsTemplate(seg)) {
                out += "/" + seg;
                continue;
            }
            auto it = v.find(seg.substr(1, seg.size() - 2));
            if (it == v.end() || it->second.empty()) return "";
            out += "/" + it->second;
        }
        return out;
    };

    std::vector<std::string> checked, failures;
    for (const auto& [method, path] : operations_) {
        if (method != "GET") continue;
        const Json& ok = doc_["paths"][path]["get"]["responses"];
        if (!ok.contains("200") || !ok["200"].contains("content") || !ok["200"]["content"].contains("application/json"))
            continue;
        const Json schema = ok["200"]["content"]["application/json"].value("schema", Json::object());
        std::string url = fill(path);
        if (url.empty()) continue;
        if (path == "/api/v1/soa/diff") url += "?from=1";  // the query parameter it requires
        auto r = http.Get(url);
        if (r.status != 200) {
            failures.push_back("GET " + url + " answered " + std::to_string(r.status) + " on the demo: " +
                               r.body.substr(0, 300));
            continue;
        }
        std::string errors = SchemaErrors(schema, r.Json());
        if (!errors.empty()) failures.push_back("GET " + url + " (" + path + ") does not match its schema:\n" + errors);
        checked.push_back(path);
    }
    for (const auto& f : failures) ADD_FAILURE() << f;
    // Most JSON GETs are reached (those left out need an id the demo does not have, e.g. an attachment).
    EXPECT_GE(checked.size(), 45u) << "only " << checked.size() << " answers were checked";
}

TEST_P(OpenApiTest, UndocumentedPathsAreNotRouted) {
    auto& http = server()->http();
    for (std::string path : {"/api/v1/isms-probe-undocumented", "/api/v1/health/isms-probe", "/api/v1",
                             "/api/v1/openapi.json/isms-probe"}) {
        auto r = http.Get(path);
        EXPECT_EQ(r.status, 404) << path << ": " << r;
        EXPECT_NE(r.Json().value("detail", "").find("no such API route"), std::string::npos) << path << ": " << r;
    }
}

ISMS_INSTANTIATE_BACKENDS(OpenApiTest);

}  // namespace
}  // namespace isms::integration
