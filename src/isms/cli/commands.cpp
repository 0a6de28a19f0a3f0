// The command groups of the domain modules. Adding a group: declare its Register function in cli.hpp,
// add the file to CMakeLists.txt and one line here.
#include "isms/cli/cli.hpp"

namespace isms::cli {

void RegisterDomainCommands(CLI::App& root, Globals& g) {
    RegisterOscal(root, g);
    RegisterQuant(root, g);
    RegisterCatalog(root, g);
    RegisterRecord(root, g);
    RegisterRisk(root, g);
    RegisterSoa(root, g);
    RegisterEvaluation(root, g);
}

}  // namespace isms::cli
