// The fields and files of a POST body, urlencoded or multipart/form-data,
// read with bounds. Not thread-safe (one per request).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/Result.h"
#include "web/Request.h"

namespace sac::web {

/// One uploaded file of a multipart body. Everything but bytes is untrusted
/// text sent by the browser; the content is checked elsewhere by its bytes.
struct UploadedFile {
    std::string field;       ///< the form field name
    std::string fileName;    ///< as the browser sent it (no path)
    std::string contentType; ///< as the browser claimed it
    std::string bytes;
};

struct MultipartLimits {
    std::size_t maxParts = 50;
    std::size_t maxFieldBytes = 64 * 1024;
    /// Per file. A larger file is not an error here: it is kept truncated to
    /// maxFileBytes + 1 bytes and flagged, so the caller can say "too big".
    std::size_t maxFileBytes = 5 * 1024 * 1024;
};

class FormData {
public:
    /// The request's form: the urlencoded fields the Request parsed, or the
    /// parts of a multipart/form-data body. Fails (as a value) on a broken
    /// multipart body, a missing boundary, or too many parts.
    static domain::Result<FormData> read(const Request& req, const MultipartLimits& limits = {});
    /// Parses a multipart/form-data body (contentType carries the boundary).
    static domain::Result<FormData> parseMultipart(const std::string& contentType, std::string_view body,
                                                   const MultipartLimits& limits = {});

    /// First value of a field.
    std::optional<std::string> field(std::string_view name) const;
    /// Every value of a field, in order (e.g. repeated checkboxes).
    std::vector<std::string> fields(std::string_view name) const;
    /// The first file of a field with a non-empty body, or nullptr.
    const UploadedFile* file(std::string_view name) const;
    /// True when that file was larger than the limit (its bytes are cut).
    bool fileTooLarge(std::string_view name) const;

private:
    Params _fields;
    std::vector<UploadedFile> _files;
    std::vector<std::string> _tooLarge;
};

} // namespace sac::web
