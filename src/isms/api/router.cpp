#include "isms/api/router.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"

namespace isms::api {

namespace {
std::vector<std::string> Split(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

bool IsParam(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

std::optional<int64_t> IfMatchVersion(const Request& req) {
    std::string h = req.Header("if-match");
    size_t b = h.find_first_not_of(" \t"), e = h.find_last_not_of(" \t");
    h = b == std::string::npos ? "" : h.substr(b, e - b + 1);
    if (h.empty() || h == "*") return std::nullopt;
    std::string v = h;
    if (v.rfind("W/", 0) == 0) v = v.substr(2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    bool digits = !v.empty() && v.size() <= 18 &&
                  std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits)
        throw Error::InvalidInput(fmt::format("If-Match '{}' is not an ETag of this API (\"<version>\")", h),
                                  {{"If-Match", "malformed"}});
    return std::stoll(v);
}

std::string VersionETag(int64_t version) { return fmt::format("\"{}\"", version); }

ParamDoc IfMatchParam(const std::string& what) {
    return {"If-Match", "header", what + "; 412 when it changed meanwhile", false};
}

std::string PercentDecode(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() + 0 && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string Request::Query(const std::string& name, const std::string& def) const {
    auto it = query.find(name);
    return it == query.end() ? def : it->second;
}

std::string Request::Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
}

const std::string& Request::Param(const std::string& name) const {
    auto it = path_params.find(name);
    if (it == path_params.end()) throw Error::Internal("route has no parameter " + name);
    return it->second;
}

Json Request::JsonBody(bool allow_any) const {
    if (body.empty()) throw Error::InvalidInput("a JSON body is required");
    Json j = ParseUserJson(body, "the body");
    if (!allow_any && !j.is_object()) throw Error::InvalidInput("the JSON body must be an object");
    return j;
}

std::string StringField(const Json& body, const std::string& name, bool required) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        if (required) throw Error::InvalidInput(fmt::format("'{}' is required", name), {{name, "required"}});
        return "";
    }
    if (!it->is_string())
        throw Error::InvalidInput(fmt::format("'{}' must be a string", name), {{name, "not a string"}});
    return it->get<std::string>();
}

int64_t IntQuery(const Request& req, const std::string& name, int64_t def, int64_t min, int64_t max) {
    std::string text = req.Query(name);
    if (text.empty()) return def;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
        throw Error::InvalidInput(
            fmt::format("{} must be a whole number from {} to {}, not '{}'", name, min, max, text),
            {{name, fmt::format("a whole number from {} to {}", min, max)}});
    return v;
}

Response Response::FromJson(const Json& j, int status) {
    Response r;
    r.status = status;
    r.body = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    return r;
}

Response Response::Items(Json items, int status) {
    Json j = Json::object();
    j["items"] = std::move(items);
    return FromJson(j, status);
}

Response Response::Raw(std::string body, std::string content_type, int status) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

void Router::Add(std::string method, std::string pattern, RouteDoc doc, Handler handler) {
    Route r{std::move(method), pattern, Split(pattern), std::move(doc), std::move(handler)};
    for (const auto& existing : routes_)
        if (existing.method == r.method && existing.pattern == r.pattern)
            throw Error::Internal("route registered twice: " + r.method + " " + r.pattern);
    routes_.push_back(std::move(r));
}

std::optional<Router::Match> Router::Find(const std::string& method, const std::string& path,
                                          std::vector<std::string>* allowed) const {
    auto segs = Split(path);
    std::optional<Match> best;
    int best_literals = -1;
    for (const auto& r : routes_) {
        if (r.segments.size() != segs.size()) continue;
        Match m;
        m.route = &r;
        int literals = 0;
        bool ok = true;
        for (size_t i = 0; i < segs.size() && ok; ++i) {
            if (IsParam(r.segments[i])) {
                std::string v = PercentDecode(segs[i]);
                if (v.empty()) ok = false;
                m.params[r.segments[i].substr(1, r.segments[i].size() - 2)] = v;
            } else if (r.segments[i] == segs[i]) {
                ++literals;
            } else {
                ok = false;
            }
        }
        if (!ok) continue;
        if (r.method != method) {
            if (allowed) allowed->push_back(r.method);
            continue;
        }
        // Prefer the most specific route ("/views/run" over "/views/{name}").
        if (literals > best_literals) {
            best = std::move(m);
            best_literals = literals;
        }
    }
    return best;
}

Json Router::OpenApi(const std::string& version) const {
    Json paths = Json::object();
    std::set<std::string> tags;
    for (const auto& r : routes_) {
        Json op;
        op["summary"] = r.doc.summary;
        op["operationId"] = [&] {
            std::string id = r.method;
            std::transform(id.begin(), id.end(), id.begin(), ::tolower);
            for (const auto& s : r.segments) {
                std::string clean;
                for (char c : s)
                    if (std::isalnum(static_cast<unsigned char>(c))) clean += c;
                id += "_" + clean;
            }
            return id;
        }();
        if (!r.doc.tag.empty()) {
            op["tags"] = Json::array({r.doc.tag});
            tags.insert(r.doc.tag);
        }
        Json params = Json::array();
        for (const auto& s : r.segments) {
            if (!IsParam(s)) continue;
            params.push_back({{"name", s.substr(1, s.size() - 2)},
                              {"in", "path"},
                              {"required", true},
                              {"schema", {{"type", "string"}}}});
        }
        for (const auto& p : r.doc.params) {
            Json pj = {{"name", p.name}, {"in", p.in}, {"required", p.required}, {"schema", {{"type", p.type}}}};
            if (!p.description.empty()) pj["description"] = p.description;
            params.push_back(pj);
        }
        if (!params.empty()) op["parameters"] = params;
        if (!r.doc.request_schema.is_null())
            op["requestBody"] = {{"required", true},
                                 {"content", {{r.doc.request_type, {{"schema", r.doc.request_schema}}}}}};
        Json ok_schema = r.doc.response_schema.is_null() ? Json{{"type", "object"}} : r.doc.response_schema;
        int ok_status = r.method == "POST" ? 201 : 200;
        if (r.doc.response_schema.is_object() && r.doc.response_schema.empty()) ok_status = 204;
        if (r.doc.success_status) ok_status = r.doc.success_status;
        Json responses;
        if (ok_status == 204) {
            responses["204"] = {{"description", "done"}};
        } else {
            responses[std::to_string(ok_status)] = {
                {"description", "success"}, {"content", {{r.doc.response_type, {{"schema", ok_schema}}}}}};
        }
        std::vector<int> errors = r.doc.errors;
        if (r.doc.authenticated) {
            errors.push_back(401);
            errors.push_back(403);
        }
        std::sort(errors.begin(), errors.end());
        errors.erase(std::unique(errors.begin(), errors.end()), errors.end());
        for (int e : errors)
            responses[std::to_string(e)] = {{"$ref", "#/components/responses/Problem"}};
        op["responses"] = responses;
        if (!r.doc.authenticated) op["security"] = Json::array();
        std::string m = r.method;
        std::transform(m.begin(), m.end(), m.begin(), ::tolower);
        paths[r.pattern][m] = op;
    }
    Json tag_list = Json::array();
    for (const auto& t : tags) tag_list.push_back({{"name", t}});
    return {
        {"openapi", "3.1.0"},
        {"info",
         {{"title", "isms API"},
          {"version", version},
          {"description", "ISO/IEC 27001:2022 information security management system. Errors are RFC 9457 "
                          "problem+json documents."}}},
        {"servers", Json::array({{{"url", "/"}}})},
        {"tags", tag_list},
        {"paths", paths},
        {"components",
         {{"schemas",
           {{"Problem",
             {{"type", "object"},
              {"properties",
               {{"type", {{"type", "string"}}},
                {"title", {{"type", "string"}}},
                {"status", {{"type", "integer"}}},
                {"detail", {{"type", "string"}}},
                {"code", {{"type", "string"}}},
                {"errors", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}}}},
          {"responses",
           {{"Problem",
             {{"description", "error (RFC 9457)"},
              {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}}}}},
          {"securitySchemes",
           {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "isms_session"}}},
            {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
        {"security", Json::array({{{"session", Json::array()}}, {{"bearer", Json::array()}}})},
    };
}

}  // namespace isms::api
