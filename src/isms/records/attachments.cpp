#include "isms/records/attachments.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "isms/core/error.hpp"
#include "isms/io/csv.hpp"

namespace isms::records {

namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string LowerExtension(std::string_view filename) {
    auto dot = filename.rfind('.');
    if (dot == std::string_view::npos) return "";
    std::string ext(filename.substr(dot + 1));
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

// True when the text would be treated as markup by a browser that sniffs.
bool LooksLikeMarkup(std::string_view bytes) {
    std::string head(bytes.substr(0, 1024));
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t first = head.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    if (first != std::string::npos && head[first] == '<') return true;
    for (const char* tag : {"<html", "<script", "<svg", "<iframe", "<body", "<!doctype", "<?xml"})
        if (head.find(tag) != std::string::npos) return true;
    return false;
}

}  // namespace

std::string SniffContentType(std::string_view b, std::string_view filename) {
    auto ext = LowerExtension(filename);
    if (StartsWith(b, "%PDF-")) return "application/pdf";
    if (StartsWith(b, "\x89PNG\r\n\x1a\n")) return "image/png";
    if (StartsWith(b, "\xff\xd8\xff")) return "image/jpeg";
    if (StartsWith(b, "GIF87a") || StartsWith(b, "GIF89a")) return "image/gif";
    if (b.size() >= 12 && StartsWith(b, "RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
    if (StartsWith(b, std::string_view("PK\x03\x04", 4))) {
        if (ext == "docx") return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        if (ext == "xlsx") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        if (ext == "pptx") return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
        if (ext == "odt") return "application/vnd.oasis.opendocument.text";
        if (ext == "ods") return "application/vnd.oasis.opendocument.spreadsheet";
        return "application/zip";
    }
    bool has_nul = b.find('\0') != std::string_view::npos;
    if (!has_nul && io::IsValidUtf8(b)) {
        if (LooksLikeMarkup(b)) return "text/plain; charset=utf-8";
        if (ext == "md" || ext == "markdown") return "text/markdown; charset=utf-8";
        if (ext == "csv") return "text/csv; charset=utf-8";
        if (ext == "json") return "application/json";
        return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
}

std::string SafeFilename(std::string_view name) {
    auto slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name = name.substr(slash + 1);
    std::string out;
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == ';') continue;
        out += static_cast<char>(c);
    }
    while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(out.begin());
    if (out.size() > 200) out.resize(200);
    // Do not leave half a UTF-8 sequence at the cut.
    while (!out.empty() && !io::IsValidUtf8(out)) out.pop_back();
    return out.empty() ? "attachment" : out;
}

std::string Base64Encode(std::string_view bytes) {
    size_t len = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    std::string out(len, '\0');
    sodium_bin2base64(out.data(), len, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(len - 1);  // the terminating NUL
    return out;
}

std::string Base64Decode(std::string_view text) {
    std::string out(text.size() / 4 * 3 + 3, '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                          nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        throw Error::InvalidInput("malformed base64 data");
    out.resize(len);
    return out;
}

}  // namespace isms::records
