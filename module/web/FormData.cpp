#include "web/FormData.h"

#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>

#include <algorithm>
#include <cctype>
#include <istream>
#include <sstream>

namespace sac::web {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// Reads at most limit + 1 bytes of in into out.
void readBounded(std::istream& in, std::size_t limit, std::string& out) {
    char buf[8192];
    while (in && out.size() <= limit) {
        in.read(buf, static_cast<std::streamsize>(sizeof buf));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) break;
        const std::size_t room = limit + 1 - out.size();
        out.append(buf, std::min(got, room));
    }
}

std::string baseName(const std::string& name) {
    const auto slash = name.find_last_of("/\\");
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

} // namespace

domain::Result<FormData> FormData::read(const Request& req, const MultipartLimits& limits) {
    const std::string type = lower(req.contentType());
    if (type.rfind("multipart/form-data", 0) == 0) return parseMultipart(req.contentType(), req.body(), limits);
    FormData f;
    f._fields = req.formParams();
    return domain::Result<FormData>::ok(std::move(f));
}

domain::Result<FormData> FormData::parseMultipart(const std::string& contentType, std::string_view body,
                                                  const MultipartLimits& limits) {
    using R = domain::Result<FormData>;
    std::string boundary;
    try {
        Poco::Net::MediaType mt(contentType);
        if (mt.hasParameter("boundary")) boundary = mt.getParameter("boundary");
    } catch (const std::exception&) {
        return R::fail("expected a multipart/form-data content type with a boundary, got an unreadable one");
    }
    if (boundary.empty() || boundary.size() > 200)
        return R::fail("expected a multipart/form-data boundary of 1 to 200 characters");
    FormData f;
    try {
        std::istringstream in{std::string(body)};
        Poco::Net::MultipartReader reader(in, boundary);
        std::size_t parts = 0;
        while (reader.hasNextPart()) {
            if (++parts > limits.maxParts)
                return R::fail("expected at most " + std::to_string(limits.maxParts) + " form parts");
            Poco::Net::MessageHeader header;
            reader.nextPart(header);
            std::string disposition;
            Poco::Net::NameValueCollection params;
            Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, params);
            if (lower(disposition) != "form-data") return R::fail("expected parts with Content-Disposition form-data");
            const std::string name = params.get("name", "");
            if (name.empty() || name.size() > 128) return R::fail("expected named form parts (1 to 128 bytes)");
            std::istream& part = reader.stream();
            if (params.has("filename")) {
                UploadedFile file;
                file.field = name;
                file.fileName = baseName(params.get("filename", "")).substr(0, 255);
                file.contentType = header.get("Content-Type", "").substr(0, 128);
                readBounded(part, limits.maxFileBytes, file.bytes);
                if (file.bytes.size() > limits.maxFileBytes) f._tooLarge.push_back(name);
                // Drain the rest so the reader finds the next boundary.
                while (part.good()) part.ignore(65536);
                f._files.push_back(std::move(file));
            } else {
                std::string value;
                readBounded(part, limits.maxFieldBytes, value);
                if (value.size() > limits.maxFieldBytes)
                    return R::fail("expected field \"" + name.substr(0, 64) + "\" of at most " +
                                   std::to_string(limits.maxFieldBytes) + " bytes");
                f._fields.emplace_back(name, std::move(value));
            }
        }
    } catch (const std::exception& e) {
        return R::fail(std::string("expected a well-formed multipart/form-data body: ") + e.what());
    }
    return R::ok(std::move(f));
}

std::optional<std::string> FormData::field(std::string_view name) const {
    for (const auto& [k, v] : _fields)
        if (k == name) return v;
    return std::nullopt;
}

std::vector<std::string> FormData::fields(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : _fields)
        if (k == name) out.push_back(v);
    return out;
}

const UploadedFile* FormData::file(std::string_view name) const {
    for (const auto& f : _files)
        if (f.field == name && !f.bytes.empty()) return &f;
    return nullptr;
}

bool FormData::fileTooLarge(std::string_view name) const {
    return std::find(_tooLarge.begin(), _tooLarge.end(), name) != _tooLarge.end();
}

} // namespace sac::web
