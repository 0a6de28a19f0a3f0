// The composition root: opens the store and wires the domain services. The CLI and the HTTP API get
// everything they need from here and hold no rules of their own.
//
// Adding a domain service: construct it in App's constructor and expose an accessor; nothing else in the
// program constructs services.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "isms/catalog/catalog.hpp"
#include "isms/catalog/views.hpp"
#include "isms/auth/accounts.hpp"
#include "isms/auth/sessions.hpp"
#include "isms/auth/tokens.hpp"
#include "isms/evaluation/audits.hpp"
#include "isms/evaluation/metrics.hpp"
#include "isms/evaluation/readiness.hpp"
#include "isms/evaluation/review.hpp"
#include "isms/org/organisations.hpp"
#include "isms/oscal/records_export.hpp"
#include "isms/oscal/service.hpp"
#include "isms/records/integrity.hpp"
#include "isms/records/schema.hpp"
#include "isms/store/change_log.hpp"
#include "isms/records/service.hpp"
#include "isms/quant/quant_service.hpp"
#include "isms/risk/criteria_service.hpp"
#include "isms/risk/library.hpp"
#include "isms/risk/records_directory.hpp"
#include "isms/risk/register.hpp"
#include "isms/risk/reports.hpp"
#include "isms/soa/statement.hpp"
#include "isms/store/store.hpp"

namespace isms::app {

struct AppOptions {
    std::string db_url;
    bool create = false;  // `isms init`: create a missing SQLite file and run the migrations
    int pool_size = 8;
    // Folders with more record-type schemas (*.yaml) besides the built-in ones; $ISMS_RECORD_SCHEMAS
    // (':'-separated) adds more. See docs/records.md.
    std::vector<std::string> record_schema_dirs;
};

class App {
public:
    // Opens the store; with `create` creates and migrates it, otherwise requires a current schema
    // (older schemas are migrated; newer ones are refused with kConflict).
    explicit App(const AppOptions& options);
    ~App();

    store::Store& store() { return *store_; }
    org::OrganisationService& organisations() { return *organisations_; }
    // The ISMS records of every declared type (assets, persons, documents, …): see isms/records/service.hpp.
    records::RecordService& records() { return *records_; }
    const records::TypeRegistry& record_types() const { return *record_types_; }
    catalog::CatalogService& catalog() { return *catalog_; }
    catalog::ViewService& views() { return *views_; }
    oscal::OscalService& oscal() { return *oscal_; }
    quant::QuantService& quant() { return *quant_; }
    auth::AccountService& accounts() { return *accounts_; }
    auth::SessionService& sessions() { return *sessions_; }
    auth::TokenService& tokens() { return *tokens_; }

    // The demo marker (set by SeedDemo): only a store carrying it ever has well-known passwords, and only for
    // such a store does `isms serve` print them.
    bool IsDemoStore();
    void MarkDemoStore(const std::string& value);
    // Risk assessment and treatment (27001 6.1.2, 6.1.3, 8.2, 8.3): see isms/risk/register.hpp.
    risk::RiskCriteriaService& risk_criteria() { return *risk_criteria_; }
    risk::RiskLibrary& risk_library() { return *risk_library_; }
    risk::RiskRegister& risks() { return *risks_; }
    risk::RiskReports& risk_reports() { return *risk_reports_; }
    // The Statement of Applicability (27001 6.1.3 d): see isms/soa/statement.hpp.
    soa::StatementOfApplicability& soa() { return *soa_; }
    // The SoA as OSCAL profile and SSP, the treatment plan and open risks as POA&M: see
    // isms/oscal/records_export.hpp.
    oscal::RecordExports& oscal_exports() { return *oscal_exports_; }

    // Tamper evidence for the whole store: the change log's hash chain, and every record, control attribute
    // override, saved view and SoA decision equal to the last change-log entry about it (records/integrity.hpp,
    // store/state_check.hpp). `isms log verify`, GET /api/v1/log/verify.
    struct Verification {
        store::LogVerification log;
        std::vector<store::StateProblem> records;  // at most 20 per kind; `type` names the record type or entity
        bool ok() const { return log.ok && records.empty(); }
        Json ToJson() const;
    };
    Verification VerifyStore();
    // Performance evaluation and improvement (27001 9.1–10.2) and readiness: see isms/evaluation/*.hpp. The
    // evaluation record types' rules are attached to the record registry here.
    evaluation::MetricService& metrics() { return *metrics_; }
    evaluation::AuditService& audits() { return *audits_; }
    evaluation::ManagementReviewService& reviews() { return *reviews_; }
    evaluation::ReadinessService& readiness() { return *readiness_; }

    // Loads or refreshes built-in reference data (idempotent; called by init and at startup).
    void EnsureReferenceData();

private:
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<org::OrganisationService> organisations_;
    std::unique_ptr<records::TypeRegistry> record_types_;
    std::unique_ptr<records::RecordService> records_;
    std::unique_ptr<catalog::CatalogService> catalog_;
    std::unique_ptr<catalog::ViewService> views_;
    std::unique_ptr<oscal::OscalService> oscal_;
    std::unique_ptr<quant::QuantService> quant_;
    std::unique_ptr<auth::LoginThrottle> throttle_;  // shared by accounts_ and sessions_
    std::unique_ptr<auth::AccountService> accounts_;
    std::unique_ptr<auth::SessionService> sessions_;
    std::unique_ptr<auth::TokenService> tokens_;
    std::unique_ptr<risk::RecordsDirectory> record_directory_;
    std::unique_ptr<risk::RiskCriteriaService> risk_criteria_;
    std::unique_ptr<risk::RiskLibrary> risk_library_;
    std::unique_ptr<risk::RiskRegister> risks_;
    std::unique_ptr<risk::RiskReports> risk_reports_;
    std::unique_ptr<soa::StatementOfApplicability> soa_;
    std::unique_ptr<oscal::RecordExports> oscal_exports_;
    std::unique_ptr<evaluation::MetricService> metrics_;
    std::unique_ptr<evaluation::AuditService> audits_;
    std::unique_ptr<evaluation::ManagementReviewService> reviews_;
    std::unique_ptr<evaluation::ReadinessService> readiness_;
};

}  // namespace isms::app
