// The OpenAPI document against the running server, in both directions:
//   - the document is structurally OpenAPI 3.1 (required keys, every path parameter declared, refs resolve);
//   - every documented operation exists: calling it (placeholder path parameters, an empty JSON body) is
//     never answered "no such API route" or 405, never with a 5xx, and only with documented statuses;
//   - every route that exists is documented: `isms api routes` (the router table `serve` dispatches from)
//     equals the documented operations, and for every documented path the server's own 405 Allow header
//     names exactly the documented methods.
// Routes added later by any module are covered without touching this file.
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
