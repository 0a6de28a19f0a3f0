// isms oscal validate | resolve | convert — OSCAL documents in JSON, XML and YAML (docs/oscal.md).
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"
#include "isms/oscal/document.hpp"
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
