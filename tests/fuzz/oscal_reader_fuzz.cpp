// libFuzzer target for the OSCAL readers: arbitrary bytes as JSON, XML or YAML (chosen at build time through
// ISMS_FUZZ_FORMAT). A reader must either return a document or throw isms::Error; anything else (a crash, a
// sanitizer report, another exception type) is a bug. A document that was read must also be writable in all
// three formats.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "isms/core/error.hpp"
#include "isms/oscal/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        auto doc = isms::oscal::Read(text, isms::oscal::Format::ISMS_FUZZ_FORMAT, "fuzz");
        for (auto f : {isms::oscal::Format::kJson, isms::oscal::Format::kXml, isms::oscal::Format::kYaml}) {
            try {
                (void)isms::oscal::Write(doc, f);
            } catch (const isms::Error&) {
            }
        }
    } catch (const isms::Error&) {
    }
    return 0;
}
