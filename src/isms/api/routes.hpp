// One registration function per domain; each lives in routes_<domain>.cpp.
#pragma once

#include "isms/api/router.hpp"
#include "isms/app/app.hpp"

namespace isms::api {

void RegisterSystemRoutes(Router& router, app::App& app);
void RegisterOscalRoutes(Router& router, app::App& app);
void RegisterQuantRoutes(Router& router, app::App& app);
void RegisterCatalogRoutes(Router& router, app::App& app);  // frameworks, controls, transition, views
void RegisterRecordRoutes(Router& router, app::App& app);  // routes_records.cpp
void RegisterAuthRoutes(Router& router, app::App& app);  // /api/v1/auth/…: sign-in, session, own account
void RegisterUserRoutes(Router& router, app::App& app);  // /api/v1/users…, /api/v1/tokens…
void RegisterRiskRoutes(Router& router, app::App& app);
void RegisterSoaRoutes(Router& router, app::App& app);
void RegisterEvaluationRoutes(Router& router, app::App& app);  // metrics, audits, reviews, readiness

// Shared by the route files (routes_common.cpp).
// A file download: `body` with its media type, as an attachment called `filename`.
Response Download(std::string body, std::string content_type, const std::string& filename);
// The caller's organisation's name (report titles) and slug (file names); its id when it has none.
std::string OrganisationName(app::App& app, const Context& ctx);
std::string OrganisationSlug(app::App& app, const Context& ctx);

}  // namespace isms::api
