// HTTP routing for /api/v1: one table of routes, each with its documentation. The OpenAPI 3.1 document is
// generated from the same table, so a route cannot exist undocumented (tests/integration checks both
// directions against the running server).
//
// Handlers are thin: read the request, call one domain service with req.ctx, render JSON. They throw
// isms::Error; the server maps it to problem+json once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/json.hpp"

namespace isms::api {

struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> path_params;        // from {name} segments, percent-decoded
    std::multimap<std::string, std::string> query;         // decoded query parameters
    std::map<std::string, std::string> headers;            // lower-case names
    std::string body;
    std::string remote_addr;                               // client address (from the proxy with --behind-proxy)
    bool secure = false;                                   // arrived over TLS (directly or at the proxy)
    Context ctx;                                           // set by authentication before the handler runs

    // Query parameter or `def`.
    std::string Query(const std::string& name, const std::string& def = "") const;
    bool HasQuery(const std::string& name) const { return query.count(name) > 0; }
    std::string Header(const std::string& lower_name) const;
    const std::string& Param(const std::string& name) const;
    // Parses the body as JSON. Throws kInvalidInput for malformed JSON (with the byte offset), for nesting
    // deeper than 64 levels, and when the body is not an object (unless allow_any).
    Json JsonBody(bool allow_any = false) const;
};

// The string member `name` of a JSON body: "" when absent or null and not `required`. Throws kInvalidInput
// naming the field when it is required and missing, or not a string.
std::string StringField(const Json& body, const std::string& name, bool required = true);

// The whole-number query parameter `name`: `def` when absent or empty. Throws kInvalidInput naming the parameter
// and the allowed range when it is not a whole number or lies outside [min, max].
int64_t IntQuery(const Request& req, const std::string& name, int64_t def, int64_t min, int64_t max);

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static Response FromJson(const Json& j, int status = 200);
    // {"items": items}, without copying the list (a register of thousands of entries is megabytes of JSON).
    static Response Items(Json items, int status = 200);
    static Response Raw(std::string body, std::string content_type, int status = 200);
    static Response NoContent() { return Raw("", "", 204); }
};

struct ParamDoc {
    std::string name;
    std::string in = "query";  // "query", "path", "header"
    std::string description;
    bool required = false;
    std::string type = "string";
};

struct RouteDoc {
    std::string summary;
    std::string tag;
    std::vector<ParamDoc> params;  // path parameters are added automatically from the pattern
    Json request_schema;           // null = no body
    Json response_schema;          // null = generic object
    bool authenticated = true;     // false: reachable without credentials (health, login, openapi)
    std::vector<int> errors = {400, 404};  // documented error statuses (problem+json)
    std::string response_type = "application/json";
    std::string request_type = "application/json";  // media type of request_schema's body (e.g. text/csv)
    int success_status = 0;  // the documented success status; 0: 201 for POST, 200 otherwise (204 when
                             // response_schema is an empty object)
};

using Handler = std::function<Response(Request&)>;

struct Route {
    std::string method;   // GET, POST, PUT, PATCH, DELETE
    std::string pattern;  // "/api/v1/frameworks/{framework}/controls/{id}"
    std::vector<std::string> segments;
    RouteDoc doc;
    Handler handler;
};

class Router {
public:
    void Add(std::string method, std::string pattern, RouteDoc doc, Handler handler);

    struct Match {
        const Route* route = nullptr;
        std::map<std::string, std::string> params;
    };
    // The route for method+path. When the path exists with other methods, `allowed` lists them.
    std::optional<Match> Find(const std::string& method, const std::string& path,
                              std::vector<std::string>* allowed = nullptr) const;

    const std::vector<Route>& routes() const { return routes_; }
    Json OpenApi(const std::string& version) const;

private:
    std::vector<Route> routes_;
};

// Optimistic concurrency (docs/api.md): resources carry a version that is their ETag ("\"7\""); updates send
// it back in If-Match and get 412 when it moved on.
//   IfMatchVersion: the version an If-Match header names ("7", W/"7" or 7); nullopt when there is none or it
//   is "*". kInvalidInput naming the header when it is malformed.
std::optional<int64_t> IfMatchVersion(const Request& req);
std::string VersionETag(int64_t version);
// The ParamDoc of the If-Match header, for RouteDoc.params.
ParamDoc IfMatchParam(const std::string& what = "the resource's ETag (its version)");

// Percent-decoding of one path segment or query value ('+' is kept as is in paths).
std::string PercentDecode(const std::string& s);

}  // namespace isms::api
