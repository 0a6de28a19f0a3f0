#include "isms/oscal/service.hpp"

#include <fmt/format.h>

#include <cstring>
#include <regex>

#include "isms/catalog/reference_data.hpp"
#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/oscal/framework.hpp"
#include "isms/oscal/resolve.hpp"

namespace isms::oscal {

using store::V;

namespace {

std::string IdFromTitle(const std::string& title) {
    std::string id;
    for (char c : title) {
        char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (std::isalnum(static_cast<unsigned char>(l)))
            id += l;
        else if (!id.empty() && id.back() != '-')
            id += '-';
        if (id.size() >= 48) break;
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    return id.empty() ? "oscal-catalog" : id;
}

}  // namespace

CatalogImport OscalService::ImportCatalog(const Context& ctx, const Document& catalog, std::string framework_id,
                                          const std::string& source) {
    RequirePermission(ctx, Permission::kCatalogEdit);
    FrameworkData data = FrameworkFromCatalog(catalog);
    if (framework_id.empty()) framework_id = IdFromTitle(data.name);
    static const std::regex kId("^[a-z0-9][a-z0-9._-]{0,63}$");
    if (!std::regex_match(framework_id, kId))
        throw Error::InvalidInput(
            fmt::format("framework id '{}' is not valid: use 1-64 lower-case letters, digits, '.', '-' or '_'", framework_id),
            {{.field = "framework_id", .message = "lower-case letters, digits, '.', '-', '_'"}});
    std::vector<catalog::AttributeFamily> families;
    for (const auto& f : data.families)
        families.push_back({.name = f.name, .description = f.description, .values = f.values, .overridable = true,
                            .multi_valued = true});
    std::string hash = crypto::Sha256Hex(Canonical(catalog).dump());
    CatalogImport out{framework_id, data.name, 0, 0, static_cast<int>(families.size())};
    for (const auto& c : data.controls) (c.parent_id.empty() ? out.controls : out.enhancements)++;
    store_.Write(ctx, [&](store::WriteTx& tx) {
        if (tx.QueryOne("SELECT id FROM frameworks WHERE id = ? AND (org_id = '' OR org_id = ?)",
                        {V(framework_id), V(ctx.org_id)}))
            throw Error::Conflict(fmt::format("a framework '{}' already exists; choose another id (--id)", framework_id),
                                  {{.field = "framework_id", .message = "already exists"}});
        std::string now = time::NowUtc();
        tx.Exec("INSERT INTO frameworks (id, org_id, name, version, source, data_hash, attributes_json, loaded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {V(framework_id), V(ctx.org_id), V(data.name), V(data.version), V(source), V(hash),
                 V(catalog::FamiliesToJson(families).dump()), V(now)});
        for (const auto& c : data.controls) {
            Json attrs = Json::object();
            for (const auto& [k, v] : c.attributes) attrs[k] = v;
            tx.Exec("INSERT INTO controls (org_id, framework_id, id, position, parent_id, title, attributes_json, "
                    "extra_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    {V(ctx.org_id), V(framework_id), V(c.id), V(c.position),
                     c.parent_id.empty() ? store::Null() : V(c.parent_id), V(c.title), V(attrs.dump()),
                     V(c.extra.dump())});
        }
        tx.Exec("INSERT INTO oscal_catalogs (org_id, framework_id, uuid, metadata_json, params_json, groups_json, "
                "back_matter_json, source_format, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {V(ctx.org_id), V(framework_id), V(data.parts.uuid), V(data.parts.metadata.dump()),
                 V(data.parts.params.dump()), V(data.parts.groups.dump()),
                 data.parts.back_matter.is_null() ? store::Null() : V(data.parts.back_matter.dump()), V("oscal"),
                 V(now)});
        tx.Log(ctx.org_id, "framework", framework_id, "import", nullptr,
               Json{{"name", data.name},
                    {"version", data.version},
                    {"source", source},
                    {"controls", out.controls},
                    {"enhancements", out.enhancements},
                    {"data_hash", hash}});
        catalog::MarkCatalogChanged(tx, ctx.org_id);
    });
    return out;
}

Document OscalService::ExportCatalog(const Context& ctx, std::string_view framework_id,
                                     const std::string& last_modified) {
    RequirePermission(ctx, Permission::kRead);
    std::string fw(framework_id);
    auto imported = store_.Read([&](store::Db& db) -> std::optional<Document> {
        auto row = db.QueryOne("SELECT uuid, metadata_json, params_json, groups_json, back_matter_json FROM "
                               "oscal_catalogs WHERE org_id = ? AND framework_id = ?",
                               {V(ctx.org_id), V(fw)});
        if (!row) return std::nullopt;
        CatalogParts parts{row->Str(0), row->JsonAt(1), row->JsonAt(2), row->JsonAt(3), row->JsonAt(4)};
        std::vector<FrameworkControl> controls;
        for (const auto& r : db.Query("SELECT id, title, parent_id, position, extra_json FROM controls WHERE org_id = ? "
                                      "AND framework_id = ? ORDER BY position",
                                      {V(ctx.org_id), V(fw)})) {
            FrameworkControl c;
            c.id = r.Str(0);
            c.title = r.Str(1);
            c.parent_id = r.Str(2);
            c.position = r.Int(3);
            c.extra = r.JsonAt(4);
            controls.push_back(std::move(c));
        }
        return CatalogFromFramework(parts, controls);
    });
    if (imported) return *imported;
    auto snap = catalog_.Snapshot(ctx, framework_id);  // kNotFound for an unknown framework
    std::vector<AttributeControl> controls;
    for (const auto& c : snap->controls) {
        AttributeControl a{c.id, c.title, {}, c.text};
        for (const auto& [k, v] : c.attributes) a.attributes[k] = v;
        controls.push_back(std::move(a));
    }
    return CatalogFromAttributes(snap->framework.name, snap->framework.version, "theme", controls,
                                 last_modified.empty() ? time::NowUtc() : last_modified);
}

Document OscalService::ResolveProfile(const Context& ctx, const Document& profile) {
    RequirePermission(ctx, Permission::kRead);
    ResolveOptions opt;
    opt.read_files = false;
    opt.load = [&](const std::string& href, std::string* where) -> std::optional<Document> {
        std::string id;
        if (href.starts_with("isms:framework/")) {
            id = href.substr(std::string_view("isms:framework/").size());
        } else {
            // The file name without its folder and without an OSCAL format's extension: a catalog read from
            // NIST's JSON is the one their profiles import as XML.
            auto base = [](std::string_view s) {
                auto slash = s.find_last_of('/');
                std::string name(slash == std::string_view::npos ? s : s.substr(slash + 1));
                for (const char* ext : {".json", ".xml", ".yaml", ".yml"})
                    if (name.size() > std::strlen(ext) && name.ends_with(ext)) return name.substr(0, name.size() - std::strlen(ext));
                return name;
            };
            const std::string name = base(href);
            for (const auto& f : catalog_.Frameworks(ctx))
                if ((!f.built_in && !f.source.empty() && base(f.source) == name) || f.id + "_catalog" == name) {
                    id = f.id;
                    break;
                }
            if (id.empty()) return std::nullopt;
        }
        *where = "framework " + id;
        return ExportCatalog(ctx, id);
    };
    return Resolve(profile, opt);
}

}  // namespace isms::oscal
