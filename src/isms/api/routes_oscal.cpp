// /api/v1/oscal: validate, convert, resolve, import and export OSCAL documents (docs/oscal.md).
#include <fmt/format.h>

#include "isms/api/routes.hpp"
#include "isms/core/error.hpp"
#include "isms/oscal/document.hpp"
#include "isms/oscal/records_export.hpp"
#include "isms/oscal/resolve.hpp"
#include "isms/oscal/validate.hpp"

namespace isms::api {

namespace {

// The body's format: ?input=json|xml|yaml, else the Content-Type, else the content.
oscal::Format InputFormat(const Request& req) {
    std::string name = req.Query("input");
    if (!name.empty()) {
        auto f = oscal::ParseFormat(name);
        if (!f)
            throw Error::InvalidInput(fmt::format("unknown OSCAL format '{}'", name),
                                      {{.field = "input", .message = "unknown format", .allowed = {"json", "xml", "yaml"}}});
        return *f;
    }
    std::string ct = req.Header("content-type");
    if (ct.find("json") != std::string::npos) return oscal::Format::kJson;
    if (ct.find("xml") != std::string::npos) return oscal::Format::kXml;
    if (ct.find("yaml") != std::string::npos) return oscal::Format::kYaml;
    return oscal::SniffFormat(req.body);
}

oscal::Format OutputFormat(const Request& req) {
    std::string name = req.Query("format", "json");
    auto f = oscal::ParseFormat(name);
    if (!f)
        throw Error::InvalidInput(fmt::format("unknown OSCAL format '{}'", name),
                                  {{.field = "format", .message = "unknown format", .allowed = {"json", "xml", "yaml"}}});
    return *f;
}

Response Document(const oscal::Document& doc, oscal::Format f, int status = 200) {
    const char* type = f == oscal::Format::kJson ? "application/json" : f == oscal::Format::kXml ? "application/xml"
                                                                                                 : "application/yaml";
    return Response::Raw(oscal::Write(doc, f), type, status);
}

const ParamDoc kInput{"input", "query", "format of the request body: json, xml or yaml (default: Content-Type, then "
                                        "the content)"};
const ParamDoc kFormat{"format", "query", "format of the response document: json (default), xml or yaml"};
const Json kDocumentBody = {{"type", "string"}, {"description", "an OSCAL document in JSON, XML or YAML"}};

}  // namespace

void RegisterOscalRoutes(Router& router, app::App& app) {
    router.Add("POST", "/api/v1/oscal/validate",
               {.summary = "Validate an OSCAL document against NIST's schema and the id/reference rules",
                .tag = "oscal",
                .params = {kInput},
                .request_schema = kDocumentBody,
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"valid", {{"type", "boolean"}}},
                                      {"model", {{"type", {"string", "null"}}}},
                                      {"format", {{"type", "string"}}},
                                      {"issues", {{"type", "array"}}}}}},
                .errors = {400, 413},
                .success_status = 200},
               [](Request& req) {
                   RequirePermission(req.ctx, Permission::kRead);
                   return Response::FromJson(oscal::ValidateText(req.body, InputFormat(req)).ToJson());
               });

    router.Add("POST", "/api/v1/oscal/convert",
               {.summary = "Convert an OSCAL document between JSON, XML and YAML",
                .tag = "oscal",
                .params = {kInput, kFormat},
                .request_schema = kDocumentBody,
                .errors = {400, 413},
                .success_status = 200},
               [](Request& req) {
                   RequirePermission(req.ctx, Permission::kRead);
                   return Document(oscal::Read(req.body, InputFormat(req), "request body"), OutputFormat(req));
               });

    router.Add("POST", "/api/v1/oscal/resolve",
               {.summary = "Resolve a profile into a catalog; its imports are the organisation's frameworks "
                           "(isms:framework/ID, the file name a framework was imported from, or ID_catalog.json) or "
                           "back-matter resources with base64 content (the server reads no files named by a request)",
                .tag = "oscal",
                .params = {kInput, kFormat},
                .request_schema = kDocumentBody,
                .errors = {400, 404, 413},
                .success_status = 200},
               [&app](Request& req) {
                   auto profile = oscal::Read(req.body, InputFormat(req), "request body");
                   return Document(app.oscal().ResolveProfile(req.ctx, profile), OutputFormat(req));
               });

    router.Add("POST", "/api/v1/oscal/catalogs",
               {.summary = "Import an OSCAL catalog as a framework of the organisation",
                .tag = "oscal",
                .params = {kInput, {"id", "query", "framework id (default: derived from the catalog's title)"},
                           {"source", "query", "where the catalog came from (shown with the framework)"}},
                .request_schema = kDocumentBody,
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"framework", {{"type", "string"}}},
                                      {"name", {{"type", "string"}}},
                                      {"controls", {{"type", "integer"}}},
                                      {"enhancements", {{"type", "integer"}}},
                                      {"attributes", {{"type", "integer"}}}}}},
                .errors = {400, 403, 409, 413}},
               [&app](Request& req) {
                   auto doc = oscal::Read(req.body, InputFormat(req), "request body");
                   auto r = app.oscal().ImportCatalog(req.ctx, doc, req.Query("id"), req.Query("source", "api upload"));
                   return Response::FromJson({{"framework", r.framework_id},
                                              {"name", r.name},
                                              {"controls", r.controls},
                                              {"enhancements", r.enhancements},
                                              {"attributes", r.attributes}},
                                             201);
               });

    const ParamDoc soa_version{"version", "query",
                               "which Statement of Applicability: latest (the latest approved version, default), "
                               "current (not approved) or an approved version number"};
    router.Add("GET", "/api/v1/oscal/soa/profile",
               {.summary = "The Statement of Applicability as an OSCAL profile selecting its applicable Annex A controls "
                           "from the built-in catalog (imported as iso27001-2022_catalog.json)",
                .tag = "oscal",
                .params = {kFormat, soa_version},
                .errors = {400, 404}},
               [&app](Request& req) {
                   auto v = oscal::ParseSoaVersion(req.Query("version"), "version");
                   return Document(app.oscal_exports().SoaProfile(req.ctx, v), OutputFormat(req));
               });
    router.Add("GET", "/api/v1/oscal/soa/ssp",
               {.summary = "The Statement of Applicability as an OSCAL system security plan: the ISMS scope as the "
                           "system, one implemented requirement per applicable control with status, owner and "
                           "justification",
                .tag = "oscal",
                .params = {kFormat, soa_version},
                .errors = {400, 404}},
               [&app](Request& req) {
                   auto v = oscal::ParseSoaVersion(req.Query("version"), "version");
                   return Document(app.oscal_exports().SystemSecurityPlan(req.ctx, v), OutputFormat(req));
               });
    router.Add("GET", "/api/v1/oscal/poam",
               {.summary = "Open risk-treatment actions, the open risks they treat and open corrective actions as an OSCAL "
                           "plan of action and milestones",
                .tag = "oscal",
                .params = {kFormat},
                .errors = {400, 404}},
               [&app](Request& req) {
                   return Document(app.oscal_exports().PlanOfActionAndMilestones(req.ctx), OutputFormat(req));
               });

    router.Add("GET", "/api/v1/oscal/catalogs/{framework}",
               {.summary = "A framework as an OSCAL catalog (iso27001-2022: the built-in ISO/IEC 27002:2022 controls "
                           "with their attributes as props)",
                .tag = "oscal",
                .params = {kFormat},
                .errors = {400, 404}},
               [&app](Request& req) {
                   return Document(app.oscal().ExportCatalog(req.ctx, req.Param("framework")), OutputFormat(req));
               });
}

}  // namespace isms::api
