// A consultancy-sized data set for bench/consultancy_http.sh (docs/performance.md, "Many organisations").
//
// Creates ORGS organisations in a store (SQLite file or PostgreSQL URL, created and migrated when new), each
// holding the same register: PERSONS persons, ASSETS assets, DOCUMENTS documents and RISKS treated risks (1–3
// assets, 1–2 threats, 1–2 vulnerabilities and 2–4 Annex A controls each), imported through the services as a
// user's import would be (records: one all-or-nothing import per type; risks: one CreateMany), so every row
// has its change-log entry. Every organisation gets the same data from the same seed, so an endpoint does the
// same work in organisation 1 of a store with one organisation and of a store with a hundred: what differs
// is only how much data of *other* organisations the database holds.
//
// Organisation k is "Client k AB" with the slug org-k (org-1, org-2, …). Prints one line per organisation
// and a last JSON line {"orgs", "per_org": {…}, "seconds"}.
//
// Usage: isms_bench_consultancy_data --db URL --orgs N [--risks 2000] [--assets 5000] [--documents 1000]
//                                    [--persons 100]
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <string>

#include "isms/app/app.hpp"
#include "isms/risk/reports.hpp"

namespace {

using isms::Context;

struct Sizes {
    int persons = 100, assets = 5000, documents = 1000, risks = 2000;
};

// Field values in a CSV cell: no commas or quotes are generated.
const char* const kAssetTypes[] = {"information", "software", "hardware", "service", "people", "site", "other"};
const char* const kClassifications[] = {"public", "internal", "confidential", "restricted"};
const char* const kDocumentKinds[] = {"policy", "topic_policy", "procedure", "standard", "guideline", "plan", "record"};
const char* const kWords[] = {"payroll", "customer",  "backup",  "identity", "network", "supplier", "laptop",
                              "archive", "analytics", "billing", "support",  "mobile",  "database", "website"};

void Populate(isms::app::App& app, const Context& ctx, const Sizes& n) {
    std::mt19937 rng(42);  // the same data in every organisation
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    using isms::records::DataFormat;
    std::string persons = "id,name,email,department\n";
    for (int i = 1; i <= n.persons; ++i)
        persons += fmt::format("PER-{0},Person {0},p{0}@client.example,{1}\n", i, kWords[i % 14]);
    app.records().Import(ctx, "person", DataFormat::kCsv, persons);

    std::string assets = "id,name,asset_type,owner,classification,confidentiality,integrity,availability,location\n";
    for (int i = 1; i <= n.assets; ++i)
        assets += fmt::format("AST-{0},{1} {2} {0},{3},PER-{4},{5},{6},{7},{8},Site {9}\n", i, kWords[pick(0, 13)],
                              kWords[pick(0, 13)], kAssetTypes[pick(0, 6)], pick(1, n.persons),
                              kClassifications[pick(0, 3)], pick(1, 5), pick(1, 5), pick(1, 5), pick(1, 9));
    app.records().Import(ctx, "asset", DataFormat::kCsv, assets);

    std::string documents = "id,identifier,title,kind,owner,classification,summary\n";
    for (int i = 1; i <= n.documents; ++i)
        documents += fmt::format("DOC-{0},D-{0:05},{1} {2} document {0},{3},PER-{4},{5},How the {1} {2} is handled\n",
                                 i, kWords[pick(0, 13)], kWords[pick(0, 13)], kDocumentKinds[pick(0, 6)],
                                 pick(1, n.persons), kClassifications[pick(0, 3)]);
    app.records().Import(ctx, "document", DataFormat::kCsv, documents);

    auto controls = isms::risk::AnnexAControls(app.catalog(), ctx);
    std::vector<isms::risk::RiskInput> items;
    items.reserve(static_cast<size_t>(n.risks));
    for (int i = 0; i < n.risks; ++i) {
        isms::risk::RiskInput in;
        in.title = fmt::format("{} {} risk {}", kWords[pick(0, 13)], kWords[pick(0, 13)], i + 1);
        in.owner = fmt::format("PER-{}", pick(1, n.persons));
        std::vector<std::string> linked, threats, vulns, chosen;
        for (int k = pick(1, 3); k > 0; --k) linked.push_back(fmt::format("AST-{}", pick(1, n.assets)));
        for (int k = pick(1, 2); k > 0; --k) threats.push_back(fmt::format("T{:02}", pick(1, 35)));
        for (int k = pick(1, 2); k > 0; --k) vulns.push_back(fmt::format("V{:02}", pick(1, 36)));
        for (int k = pick(2, 4); k > 0; --k) chosen.push_back(controls[static_cast<size_t>(pick(0, 92))].id);
        in.assets = linked;
        in.threats = threats;
        in.vulnerabilities = vulns;
        int l = pick(1, 5), c = pick(1, 5);
        in.likelihood = l;
        in.consequence = c;
        isms::risk::TreatmentInput t;
        t.option = "modify";
        t.controls = chosen;
        t.residual_likelihood = std::max(1, l - 1);
        t.residual_consequence = c;
        t.plan = "Generated treatment";
        in.treatment = t;
        items.push_back(std::move(in));
    }
    app.risks().CreateMany(ctx, items);
}

int Usage() {
    std::cerr << "usage: isms_bench_consultancy_data --db URL --orgs N [--risks N] [--assets N] [--documents N] "
                 "[--persons N]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db;
    int orgs = 0;
    Sizes n;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string opt = argv[i];
        if (opt == "--db") {
            db = argv[i + 1];
            continue;
        }
        int v = std::atoi(argv[i + 1]);
        if (opt == "--orgs") orgs = v;
        else if (opt == "--risks") n.risks = v;
        else if (opt == "--assets") n.assets = v;
        else if (opt == "--documents") n.documents = v;
        else if (opt == "--persons") n.persons = v;
        else return Usage();
    }
    if (db.empty() || orgs < 1 || n.persons < 1 || n.assets < 1 || n.documents < 0 || n.risks < 0) return Usage();
    try {
        auto start = std::chrono::steady_clock::now();
        isms::app::App app({.db_url = db, .create = true});
        for (int k = 1; k <= orgs; ++k) {
            auto t0 = std::chrono::steady_clock::now();
            auto org = app.organisations().Create(Context::System(), fmt::format("Client {} AB", k),
                                                  fmt::format("org-{}", k));
            Context ctx = Context::System(org.id);
            ctx.actor = "user:bench";
            Populate(app, ctx, n);
            std::cout << fmt::format("org-{}: {} persons, {} assets, {} documents, {} risks in {:.1f} s", k, n.persons,
                                     n.assets, n.documents, n.risks,
                                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count())
                      << std::endl;
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::cout << fmt::format(R"({{"orgs":{},"per_org":{{"persons":{},"assets":{},"documents":{},"risks":{}}},)"
                                 R"("seconds":{:.1f}}})",
                                 orgs, n.persons, n.assets, n.documents, n.risks, seconds)
                  << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
