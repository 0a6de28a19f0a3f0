// isms oscal validate | resolve | convert | import | export — OSCAL documents in JSON, XML and YAML
// (docs/oscal.md).
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"
#include "isms/oscal/document.hpp"
#include "isms/oscal/records_export.hpp"
#include "isms/oscal/resolve.hpp"
#include "isms/oscal/validate.hpp"

namespace isms::cli {

namespace {

oscal::Format OutputFormat(const std::string& name, const std::string& out_path) {
    if (!name.empty()) {
        auto f = oscal::ParseFormat(name);
        if (!f)
            throw Error::InvalidInput(fmt::format("unknown OSCAL format '{}'", name),
                                      {{.field = "--format", .message = "unknown format", .allowed = {"json", "xml", "yaml"}}});
        return *f;
    }
    if (!out_path.empty())
        if (auto f = oscal::FormatFromPath(out_path)) return *f;
    return oscal::Format::kJson;
}

void Emit(const std::string& text, const std::string& out_path) {
    if (out_path.empty() || out_path == "-") {
        std::cout << text;
        return;
    }
    std::string tmp = out_path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        if (!out) throw Error::NotFound(fmt::format("cannot write {}", out_path));
        out << text;
        if (!out) throw Error::Unavailable(fmt::format("writing {} failed", out_path));
    }
    std::filesystem::rename(tmp, out_path);  // never a half-written output file
}

std::optional<oscal::Format> InputFormat(const std::string& name) {
    if (name.empty()) return std::nullopt;
    auto f = oscal::ParseFormat(name);
    if (!f)
        throw Error::InvalidInput(fmt::format("unknown OSCAL format '{}'", name),
                                  {{.field = "--input-format", .message = "unknown format", .allowed = {"json", "xml", "yaml"}}});
    return f;
}

}  // namespace

void RegisterOscal(CLI::App& root, Globals& g) {
    auto* oscal_cmd = root.add_subcommand("oscal", "NIST OSCAL catalogs, profiles, SSPs, assessments and POA&M");
    oscal_cmd->require_subcommand(1);

    static std::string file, out, format, input_format;

    auto* validate = oscal_cmd->add_subcommand(
        "validate", "check a document against NIST's OSCAL 1.1.2 schema (JSON Schema or XSD, by format) and the "
                    "id/reference rules; exit 3 when it is not valid");
    validate->add_option("FILE", file, "an OSCAL document (.json, .xml, .yaml; otherwise the content decides)")->required();
    validate->add_option("--input-format", input_format, "json, xml or yaml, overriding the file name");
    validate->callback([&g] {
        auto report = oscal::ValidateFile(file, InputFormat(input_format));
        if (g.format == "json") {
            PrintJson(report.ToJson());
        } else {
            for (const auto& i : report.issues) {
                std::string where = i.path.empty() ? "" : i.path;
                if (i.line) where = fmt::format("line {}{}", i.line, where.empty() ? "" : " " + where);
                std::cout << fmt::format("{}: {}{}{}\n", i.kind == "note" ? "note" : "error", where,
                                         where.empty() ? "" : ": ", i.message);
            }
            Say(g, fmt::format("{}: {} {} ({}){}", file, report.ok() ? "valid" : "NOT valid",
                               report.model ? std::string(oscal::ModelName(*report.model)) : "document",
                               oscal::FormatName(report.format),
                               report.ok() ? "" : fmt::format(", {} problem(s)", report.issues.size())));
        }
        if (!report.ok()) throw CLI::RuntimeError(3);
    });

    auto* resolve = oscal_cmd->add_subcommand("resolve", "resolve a profile into a catalog (NIST profile resolution)");
    resolve->add_option("PROFILE", file, "the profile; its imports are looked up relative to it")->required();
    resolve->add_option("--format", format, "output format: json, xml or yaml (default: from -o, else json)");
    resolve->add_option("-o,--output", out, "write here instead of standard output");
    resolve->callback([] {
        auto catalog = oscal::ResolveFile(file);
        Emit(oscal::Write(catalog, OutputFormat(format, out)), out);
    });

    auto* import = oscal_cmd->add_subcommand("import", "import an OSCAL document into the organisation");
    import->require_subcommand(1);
    static std::string framework_id;
    auto* import_catalog = import->add_subcommand(
        "catalog", "make a framework of an OSCAL catalog: controls with enhancements, parameters, parts, props, "
                   "links and back-matter, filterable by props and class with the catalog query language");
    import_catalog->add_option("FILE", file, "an OSCAL catalog (JSON, XML or YAML)")->required();
    import_catalog->add_option("--id", framework_id, "framework id (default: derived from the catalog's title)");
    import_catalog->add_option("--input-format", input_format, "json, xml or yaml, overriding the file name");
    import_catalog->callback([&g] {
        auto doc = oscal::ReadFile(file, InputFormat(input_format));
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto r = app->oscal().ImportCatalog(ctx, doc, framework_id,
                                            std::filesystem::path(file).filename().string());
        if (g.format == "json") {
            PrintJson({{"framework", r.framework_id},
                       {"name", r.name},
                       {"controls", r.controls},
                       {"enhancements", r.enhancements},
                       {"attributes", r.attributes}});
        } else {
            Say(g, fmt::format("imported '{}' as framework {}: {} controls, {} enhancements, {} attributes", r.name,
                               r.framework_id, r.controls, r.enhancements, r.attributes));
        }
    });

    auto* export_cmd = oscal_cmd->add_subcommand("export", "export from the organisation as OSCAL");
    export_cmd->require_subcommand(1);
    static std::string export_framework = "iso27001-2022";
    auto* export_catalog = export_cmd->add_subcommand(
        "catalog", "a framework as an OSCAL catalog (the built-in ISO/IEC 27002:2022 by default: ids, titles, "
                   "attributes; text only when the organisation imported its licensed copy)");
    export_catalog->add_option("FRAMEWORK", export_framework, "framework id")->capture_default_str();
    export_catalog->add_option("--format", format, "json, xml or yaml (default: from -o, else json)");
    export_catalog->add_option("-o,--output", out, "write here instead of standard output");
    export_catalog->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto doc = app->oscal().ExportCatalog(ctx, export_framework);
        Emit(oscal::Write(doc, OutputFormat(format, out)), out);
    });

    // 27001 6.1.3 d), e): the SoA and the treatment plan.
    static std::string soa_version = "latest";
    auto* export_profile = export_cmd->add_subcommand(
        "profile", "the Statement of Applicability as a profile selecting its applicable Annex A controls from the "
                   "built-in catalog (imported as iso27001-2022_catalog.json beside it)");
    auto* export_ssp = export_cmd->add_subcommand(
        "ssp", "the Statement of Applicability as a system security plan: the ISMS scope as the system, one "
               "implemented requirement per applicable control with status, owner and justification");
    for (auto* c : {export_profile, export_ssp})
        c->add_option("--soa-version", soa_version, "latest (approved), current (not approved) or N")
            ->capture_default_str();
    auto* export_poam = export_cmd->add_subcommand(
        "poam", "a plan of action and milestones: open risk-treatment actions, the open risks they treat and open "
                "corrective actions");
    for (auto* c : {export_profile, export_ssp, export_poam}) {
        c->add_option("--format", format, "json, xml or yaml (default: from -o, else json)");
        c->add_option("-o,--output", out, "write here instead of standard output");
    }
    export_profile->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        Emit(oscal::Write(app->oscal_exports().SoaProfile(ctx, oscal::ParseSoaVersion(soa_version, "--soa-version")), OutputFormat(format, out)), out);
    });
    export_ssp->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        Emit(oscal::Write(app->oscal_exports().SystemSecurityPlan(ctx, oscal::ParseSoaVersion(soa_version, "--soa-version")),
                          OutputFormat(format, out)),
             out);
    });
    export_poam->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        Emit(oscal::Write(app->oscal_exports().PlanOfActionAndMilestones(ctx), OutputFormat(format, out)), out);
    });

    auto* convert = oscal_cmd->add_subcommand("convert", "convert a document between JSON, XML and YAML");
    convert->add_option("FILE", file, "an OSCAL document")->required();
    convert->add_option("--format", format, "output format: json, xml or yaml")->required();
    convert->add_option("--input-format", input_format, "json, xml or yaml, overriding the file name");
    convert->add_option("-o,--output", out, "write here instead of standard output");
    convert->callback([] {
        auto doc = oscal::ReadFile(file, InputFormat(input_format));
        Emit(oscal::Write(doc, OutputFormat(format, out)), out);
    });
}

}  // namespace isms::cli
