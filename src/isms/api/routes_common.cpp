// Helpers shared by the route files (routes.hpp).
#include <fmt/format.h>

#include "isms/api/routes.hpp"

namespace isms::api {

Response Download(std::string body, std::string content_type, const std::string& filename) {
    auto r = Response::Raw(std::move(body), std::move(content_type));
    r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", filename));
    return r;
}

std::string OrganisationName(app::App& app, const Context& ctx) {
    auto o = app.organisations().FindBySlugOrId(ctx.org_id);
    return o ? o->name : ctx.org_id;
}

std::string OrganisationSlug(app::App& app, const Context& ctx) {
    auto o = app.organisations().FindBySlugOrId(ctx.org_id);
    return o ? o->slug : "isms";
}

}  // namespace isms::api
