// isms controls [show|tag] · isms views save|run|list|show|delete · isms transition · isms catalog
// import-text|vocabulary · isms frameworks
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "isms/catalog/render.hpp"
#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"

namespace isms::cli {

namespace {

namespace cat = isms::catalog;

// Prints the result of `controls` or `views run`: a pivot, groups or a list, in the chosen format.
void PrintControlList(const cat::ControlList& list, const Globals& g) {
    const io::Format f = g.Format();
    if (f == io::Format::kJson) {
        PrintJson(cat::ListJson(list));
        return;
    }
    const bool terminal = f == io::Format::kTable;
    const bool csv = f == io::Format::kCsv;
    const auto& sel = list.selection;
    if (sel.pivot) {
        Print(cat::PivotTable(*sel.pivot), g);
        return;
    }
    std::vector<std::string> columns =
        list.columns.empty() ? cat::DefaultColumns(*list.snapshot, terminal) : list.columns;
    // Abbreviations only in the narrow default table; columns asked for by name show full values.
    const bool abbreviate = terminal && list.columns.empty();
    if (!sel.group_by.empty()) {
        if (csv) {
            Print(cat::GroupedTable(list, columns, true), g);
            return;
        }
        bool first = true;
        for (const auto& group : sel.groups) {
            std::string label = group.key.empty() ? "(none)" : group.key;
            if (!first) std::cout << "\n";
            first = false;
            if (f == io::Format::kMarkdown) {
                std::cout << fmt::format("### {} = {} ({})\n\n", sel.group_by, label, group.items.size());
            } else {
                std::cout << fmt::format("{} = {} ({})\n", sel.group_by, label, group.items.size());
            }
            Print(cat::ControlsTable(list, group.items, columns, abbreviate, false), g);
        }
        if (terminal && !g.quiet) {
            std::cout << "\n";
            Print(cat::GroupCountsTable(list), g);
        }
    } else {
        Print(cat::ControlsTable(list, sel.items, columns, abbreviate, csv), g);
    }
    if (terminal && !g.quiet) {
        std::cout << fmt::format("\n{} of {} controls", sel.items.size(), list.snapshot->controls.size());
        if (abbreviate) std::cout << "   (attribute values in full: --format json, --format csv or --columns)";
        std::cout << "\n";
        if (abbreviate)
            if (auto legend = cat::ControlsLegend(*list.snapshot); !legend.empty())
                std::cout << WrapLines(legend, OutputWidth());
    }
}

std::string ReadFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error::NotFound(fmt::format("no file '{}'", path));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error::Unavailable(fmt::format("cannot read '{}'", path));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void PrintControl(const cat::Control& c, const cat::Framework& f, const Globals& g) {
    if (g.Format() == io::Format::kJson) {
        PrintJson(cat::ControlJson(c, true));
    } else if (g.Format() == io::Format::kTable) {
        // One control: show every cell whole (imported text can be a paragraph); the terminal wraps it.
        std::cout << io::RenderText(cat::ControlDetailTable(c, f), 100000) << std::flush;
    } else {
        Print(cat::ControlDetailTable(c, f), g);
    }
}

struct QueryOptions {
    std::string framework = cat::kIso27002;
    std::string where, sort, group_by, pivot, columns;
};

void AddQueryOptions(CLI::App* cmd, QueryOptions& o) {
    cmd->add_option("--where,-w", o.where,
                    "filter, e.g. 'control_type=Detective and security_properties=Integrity' (docs/catalog.md)");
    cmd->add_option("--sort,-s", o.sort, "fields, '-' for descending: theme,-title");
    cmd->add_option("--group-by,-g", o.group_by, "one field; a control appears in each of its groups");
    cmd->add_option("--pivot,-p", o.pivot, "ROWS,COLUMNS: count matrix of two fields");
    cmd->add_option("--columns,-c", o.columns, "fields to show, e.g. id,title,operational_capabilities");
}

// Options live as long as the program: CLI11 writes into them while parsing.
QueryOptions& ControlsOptions() {
    static QueryOptions o;
    return o;
}

}  // namespace

void RegisterCatalog(CLI::App& root, Globals& g) {
    // isms controls …
    auto* controls = root.add_subcommand("controls", "list, filter, group and pivot the controls (ISO/IEC 27002:2022)");
    auto& q = ControlsOptions();
    AddQueryOptions(controls, q);
    controls->add_option("--framework", q.framework, "framework id (isms frameworks)")->capture_default_str();
    controls->callback([&g, controls] {
        if (!controls->get_subcommands().empty()) return;  // `controls show` / `controls tag` ran instead
        auto& o = ControlsOptions();
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        cat::ControlQuery cq;
        cq.framework = o.framework;
        cq.spec = {o.where, o.sort, o.group_by, o.pivot};
        cq.columns = o.columns;
        PrintControlList(app->catalog().Query(ctx, cq), g);
    });

    auto* show = controls->add_subcommand(
        "show", "one control: attributes, 2013 predecessors and licensed text (ISO/IEC 27002), or an imported "
                "control's parameters, statement, guidance, props, links and enhancements");
    static std::string show_id;
    show->add_option("id", show_id, "control id, e.g. 5.7 (or A.5.7)")->required();
    show->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto snap = app->catalog().Snapshot(ctx, ControlsOptions().framework);
        PrintControl(app->catalog().Show(ctx, show_id, ControlsOptions().framework), snap->framework, g);
    });

    auto* tag = controls->add_subcommand(
        "tag", "retag a control for this organisation (history: isms log show --entity control_override)");
    static std::string tag_id;
    static std::vector<std::string> sets, adds, removes, resets;
    static bool reset_all = false;
    tag->add_option("id", tag_id, "control id")->required();
    tag->add_option("--set", sets, "FAMILY=V1,V2: replace a family's values")->allow_extra_args(false);
    tag->add_option("--add", adds, "FAMILY=V: add values")->allow_extra_args(false);
    tag->add_option("--remove", removes, "FAMILY=V: remove values")->allow_extra_args(false);
    tag->add_option("--reset", resets, "FAMILY: back to the standard's values")->allow_extra_args(false);
    tag->add_flag("--reset-all", reset_all, "drop every override of the control");
    tag->callback([&g] {
        using K = cat::AttributeChange::Kind;
        std::vector<cat::AttributeChange> changes;
        if (reset_all) changes.push_back({K::kReset, "", {}});
        for (const auto& s : resets) changes.push_back(cat::AttributeChange::Parse(K::kReset, s));
        for (const auto& s : sets) changes.push_back(cat::AttributeChange::Parse(K::kSet, s));
        for (const auto& s : adds) changes.push_back(cat::AttributeChange::Parse(K::kAdd, s));
        for (const auto& s : removes) changes.push_back(cat::AttributeChange::Parse(K::kRemove, s));
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto c = app->catalog().ChangeAttributes(ctx, tag_id, changes, ControlsOptions().framework);
        PrintControl(c, app->catalog().Snapshot(ctx, ControlsOptions().framework)->framework, g);
    });

    // isms views …
    auto* views = root.add_subcommand("views", "saved views: named queries over the controls");
    views->require_subcommand(1);
    auto* save = views->add_subcommand("save", "save (or replace) a view");
    static std::string view_name, description;
    static QueryOptions vo;
    save->add_option("name", view_name, "view name: lower-case letters, digits, '-', '_', '.'")->required();
    AddQueryOptions(save, vo);
    save->add_option("--description", description, "one line saying what the view is for");
    save->add_option("--framework", vo.framework, "framework id")->capture_default_str();
    save->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        cat::SavedView v{.name = view_name,
                         .framework = vo.framework,
                         .description = description,
                         .where = vo.where,
                         .sort = vo.sort,
                         .group_by = vo.group_by,
                         .pivot = vo.pivot,
                         .columns = vo.columns};
        bool created = false;
        auto stored = app->views().Save(ctx, v, cat::ViewService::SaveMode::kUpsert, &created);
        if (g.Format() == io::Format::kJson) {
            PrintJson(cat::ViewJson(stored));
        } else {
            Say(g, fmt::format("{} view '{}' (run it: isms views run {})", created ? "saved" : "updated", stored.name,
                               stored.name));
        }
    });
    auto* run = views->add_subcommand("run", "run a saved view");
    static std::string run_name;
    run->add_option("name", run_name, "view name")->required();
    run->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        PrintControlList(app->views().Run(ctx, run_name), g);
    });
    views->add_subcommand("list", "list saved views")->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto list = app->views().List(ctx);
        if (g.Format() == io::Format::kJson) {
            Json arr = Json::array();
            for (const auto& v : list) arr.push_back(cat::ViewJson(v));
            PrintJson(arr);
        } else {
            Print(cat::ViewsTable(list), g);
        }
    });
    auto* vshow = views->add_subcommand("show", "show a view's definition");
    static std::string vshow_name;
    vshow->add_option("name", vshow_name, "view name")->required();
    vshow->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto v = app->views().Get(ctx, vshow_name);
        if (g.Format() == io::Format::kJson) {
            PrintJson(cat::ViewJson(v));
            return;
        }
        io::Table t{{"field", "value"}, {}};
        const Json j = cat::ViewJson(v);
        for (const char* k : {"name", "description", "framework", "where", "sort", "group_by", "pivot", "columns",
                              "created_by", "updated_at"})
            t.rows.push_back({k, j[k].get<std::string>()});
        Print(t, g);
    });
    auto* del = views->add_subcommand("delete", "delete a saved view");
    static std::string del_name;
    del->add_option("name", del_name, "view name")->required();
    del->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        app->views().Delete(ctx, del_name);
        Say(g, fmt::format("deleted view '{}'", del_name));
    });

    // isms transition ID
    auto* transition = root.add_subcommand(
        "transition", "ISO/IEC 27001:2013 -> 2022 control mapping, both directions (A.12.4.1 or 8.15)");
    static std::string transition_id;
    transition->add_option("id", transition_id, "a 2013 Annex A id (A.12.4.1) or a 2022 control id (8.15)")
        ->required();
    transition->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto t = app->catalog().TransitionOf(ctx, transition_id);
        if (g.Format() == io::Format::kJson) {
            PrintJson(cat::TransitionJson(t));
            return;
        }
        if (t.rows.empty()) {
            auto c = app->catalog().Show(ctx, t.id);
            Say(g, fmt::format("{} {} is new in 2022: it has no 2013 predecessor", c.id, c.title));
            return;
        }
        Print(cat::TransitionTable(t), g);
    });

    // isms catalog import-text | vocabulary
    auto* catalog = root.add_subcommand("catalog", "the organisation's catalog: licensed text, vocabulary");
    catalog->require_subcommand(1);
    auto* import = catalog->add_subcommand(
        "import-text", "import control descriptions from your licensed copy (CSV: id,description[,purpose,guidance,"
                       "other_information]); all or nothing");
    static std::string import_file;
    static std::string import_framework = cat::kIso27002;
    import->add_option("file", import_file, "CSV file")->required();
    import->add_option("--framework", import_framework, "framework id")->capture_default_str();
    import->callback([&g] {
        std::string text = ReadFile(import_file);
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto r = app->catalog().ImportTexts(ctx, text, std::filesystem::path(import_file).filename().string(),
                                            import_framework);
        if (g.Format() == io::Format::kJson) {
            PrintJson({{"imported", r.imported}, {"unchanged", r.unchanged}, {"ids", r.ids}});
        } else {
            Say(g, fmt::format("imported text for {} control{} ({} unchanged)", r.imported, r.imported == 1 ? "" : "s",
                               r.unchanged));
        }
    });
    auto* vocab = catalog->add_subcommand("vocabulary", "the fields of --where and their values, with counts");
    static std::string vocab_framework = cat::kIso27002;
    vocab->add_option("--framework", vocab_framework, "framework id")->capture_default_str();
    vocab->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto fields = app->catalog().VocabularyOf(ctx, vocab_framework);
        if (g.Format() == io::Format::kJson) {
            PrintJson(cat::VocabularyJson(fields));
        } else {
            Print(cat::VocabularyTable(fields), g);
        }
    });

    // isms frameworks
    root.add_subcommand("frameworks", "control frameworks: the built-in ISO/IEC 27002:2022 and imported ones")
        ->callback([&g] {
            auto app = OpenApp(g);
            auto ctx = CliContext(*app, g);
            auto list = app->catalog().Frameworks(ctx);
            if (g.Format() == io::Format::kJson) {
                Json arr = Json::array();
                for (const auto& f : list) arr.push_back(cat::FrameworkJson(f));
                PrintJson(arr);
            } else {
                Print(cat::FrameworksTable(list), g);
            }
        });
}

}  // namespace isms::cli
