// RecordDirectory over the records module (isms/records): persons, assets and requirement records of the
// organisation, and the link index that keeps linked records from being deleted.
//
//   person of the acting account   the person whose `username` equals the actor's user name ("user:NAME")
//   top management                 a person holding a role (not retired) with `top_management: true`
//   control requirements           `controls` of legal/contractual obligations (legal_requirement, except
//                                  not_applicable/retired ones) and of interested parties' requirements
//                                  (requirement, addressed through the ISMS, except rejected/retired ones)
// Thread-safe (the record service is).
#pragma once

#include "isms/records/service.hpp"
#include "isms/risk/directory.hpp"

namespace isms::risk {

class RecordsDirectory : public RecordDirectory {
public:
    explicit RecordsDirectory(records::RecordService& records) : records_(records) {}

    std::vector<RecordSummary> Find(const Context& ctx, const std::string& type,
                                    const std::vector<std::string>& ids) override;
    std::optional<std::string> PersonOfActor(const Context& ctx) override;
    bool IsTopManagement(const Context& ctx, const std::string& person_id) override;
    std::vector<ControlRequirement> ControlRequirements(const Context& ctx) override;
    void Link(store::WriteTx& tx, const std::string& entity, const std::string& entity_id, const std::string& field,
              const std::string& type, const std::vector<std::string>& ids) override;

private:
    records::RecordService& records_;
};

}  // namespace isms::risk
