// Attachment bytes: content-type sniffing and the base64 form they are stored in (the store keeps no
// BLOBs; see src/isms/store/migrations/README.md).
#pragma once

#include <string>
#include <string_view>

namespace isms::records {

// The content type of `bytes`, judged from the bytes themselves (magic numbers) and, for ZIP-based office
// formats and plain text, the file name's extension. Never returns an active type a browser would run
// (HTML, SVG, XML, JavaScript): such content is "text/plain; charset=utf-8" (valid UTF-8) or
// "application/octet-stream".
std::string SniffContentType(std::string_view bytes, std::string_view filename);

// The file name reduced to its last path component, without control characters, quotes or backslashes,
// at most 200 bytes; "attachment" when nothing is left.
std::string SafeFilename(std::string_view name);

std::string Base64Encode(std::string_view bytes);
// Throws kInvalidInput for malformed base64.
std::string Base64Decode(std::string_view text);

}  // namespace isms::records
