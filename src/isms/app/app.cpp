#include "isms/app/app.hpp"

#include "isms/risk/select.hpp"

#include <cstdlib>

#include "isms/catalog/reference_data.hpp"
#include "isms/evaluation/rules.hpp"

namespace isms::app {

App::App(const AppOptions& options) {
    store::OpenOptions so;
    so.create = options.create;
    so.pool_size = options.pool_size;
    store_ = store::Store::Open(options.db_url, so);
    if (options.create) {
        store_->Migrate();
    } else {
        store_->RequireCurrentSchema();
    }
    organisations_ = std::make_unique<org::OrganisationService>(*store_);
    std::vector<std::string> schema_dirs = options.record_schema_dirs;
    if (const char* env = std::getenv("ISMS_RECORD_SCHEMAS"); env && *env) {
        std::string dirs = env;
        for (size_t start = 0; start <= dirs.size();) {
            size_t end = dirs.find(':', start);
            if (end == std::string::npos) end = dirs.size();
            if (end > start) schema_dirs.push_back(dirs.substr(start, end - start));
            start = end + 1;
        }
    }
    record_types_ = std::make_unique<records::TypeRegistry>(records::TypeRegistry::Builtin(schema_dirs));
    evaluation::AddEvaluationRules(*record_types_);
    records_ = std::make_unique<records::RecordService>(*store_, *record_types_);
    records_->SetAccountRoleLookup(
        [](store::Db& db, std::string_view org_id, std::string_view username) -> std::optional<records::MemberAccount> {
            std::string name;
            try {
                name = auth::AccountService::NormaliseUsername(std::string(username));
            } catch (const Error&) {
                return std::nullopt;  // not the form of a user name: no account has it
            }
            auto user = auth::LoadUser(db, "username", name);
            if (!user || user->disabled) return std::nullopt;
            for (const auto& m : user->memberships)
                if (m.org_id == org_id) return records::MemberAccount{user->username, m.role};
            return std::nullopt;
        });
    catalog_ = std::make_unique<catalog::CatalogService>(*store_);
    views_ = std::make_unique<catalog::ViewService>(*store_, *catalog_);
    oscal_ = std::make_unique<oscal::OscalService>(*store_, *catalog_);
    record_directory_ = std::make_unique<risk::RecordsDirectory>(*records_);
    risk_criteria_ = std::make_unique<risk::RiskCriteriaService>(*store_);
    risk_library_ = std::make_unique<risk::RiskLibrary>(*store_, *catalog_);
    risks_ = std::make_unique<risk::RiskRegister>(*store_, *risk_criteria_, *risk_library_, *catalog_,
                                                  *record_directory_);
    risk_reports_ = std::make_unique<risk::RiskReports>(*risks_, *risk_library_, *catalog_, *record_directory_);
    soa_ = std::make_unique<soa::StatementOfApplicability>(*store_, *catalog_, *record_directory_);
    oscal_exports_ = std::make_unique<oscal::RecordExports>(*soa_, *risks_, *record_directory_, *records_,
                                                             *organisations_);
    metrics_ = std::make_unique<evaluation::MetricService>(*store_, *records_);
    audits_ = std::make_unique<evaluation::AuditService>(*store_, *records_, *soa_, *risks_);
    reviews_ = std::make_unique<evaluation::ManagementReviewService>(*store_, *records_, *risks_, *soa_);
    readiness_ = std::make_unique<evaluation::ReadinessService>(*store_, *risks_, *soa_);
    // 27001 10.2: open corrective actions join the treatment plan's POA&M.
    oscal_exports_->AddPoamActions([this](const Context& ctx) { return audits_->PoamCorrectiveActions(ctx); });
    quant_ = std::make_unique<quant::QuantService>(
        *store_,
        [this](const Context& ctx, const std::string& id) {
            auto k = risks_->Find(ctx, id);
            return k ? std::optional<std::string>(k->title) : std::nullopt;
        },
        [this](const Context& ctx, const std::string& where) {
            std::vector<std::string> ids;
            for (const auto& r : risk::SelectRisks(risks_->List(ctx), where)) ids.push_back(r.id);
            return ids;
        });
    throttle_ = std::make_unique<auth::LoginThrottle>(*store_);
    accounts_ = std::make_unique<auth::AccountService>(*store_, *throttle_);
    sessions_ = std::make_unique<auth::SessionService>(*store_, *throttle_);
    tokens_ = std::make_unique<auth::TokenService>(*store_);
    EnsureReferenceData();
}

App::~App() = default;

App::Verification App::VerifyStore() {
    Verification v;
    v.log = store::VerifyLog(*store_);
    v.records = store_->Read([](store::Db& db) {
        auto problems = records::CheckRecordsAgainstLog(db);
        for (const auto& table : {catalog::ControlOverridesLoggedTable(), catalog::ViewsLoggedTable(),
                                  soa::DecisionsLoggedTable()})
            for (auto& p : store::CompareWithLog(db, table)) problems.push_back(std::move(p));
        return problems;
    });
    return v;
}

Json App::Verification::ToJson() const {
    Json problems = Json::array();
    for (const auto& p : records)
        problems.push_back({{"org_id", p.org_id}, {"type", p.type}, {"id", p.id}, {"problem", p.problem}});
    return {{"ok", ok()},
            {"entries", log.entries},
            {"head_seq", log.head_seq},
            {"head_hash", log.head_hash},
            {"first_broken", log.first_broken ? Json(*log.first_broken) : Json(nullptr)},
            {"problem", log.problem},
            {"records", problems}};
}

void App::EnsureReferenceData() {
    // The built-in ISO/IEC 27002:2022 catalog: one read when current, an in-place upgrade when this binary
    // carries newer data.
    if (catalog::EnsureReferenceData(*store_).written && catalog_) catalog_->Invalidate();
}

bool App::IsDemoStore() {
    return store_->Read([](store::Db& db) {
        return db.QueryOne("SELECT value FROM installation WHERE name = 'demo'").has_value();
    });
}

void App::MarkDemoStore(const std::string& value) {
    store_->Write(Context::System(), [&](store::WriteTx& tx) {
        tx.Exec("DELETE FROM installation WHERE name = 'demo'");
        tx.Exec("INSERT INTO installation (name, value) VALUES ('demo', ?)", {store::V(value)});
        tx.Log("", "installation", "demo", "create", nullptr, Json{{"demo", value}});
    });
}

}  // namespace isms::app
