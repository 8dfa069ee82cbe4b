// The module's multipart/form-data reader (evidence uploads and the forms that carry
// them). Input: "<Content-Type header value>\n<body>".
#include "FuzzSupport.h"

#include "web/FormData.h"

using namespace sac::web;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [contentType, body] = sac::fuzz::splitFirstLine(sac::fuzz::bytes(data, size));
    MultipartLimits limits;
    limits.maxParts = 8;
    limits.maxFieldBytes = 256;
    limits.maxFileBytes = 1024;
    auto form = FormData::parseMultipart(std::string(contentType), body, limits);
    if (!form) return 0;
    const FormData& f = form.value();
    for (const char* name : {"reason", "_csrf", "evidence", "x"}) {
        for (const auto& v : f.fields(name)) SAC_FUZZ_CHECK(v.size() <= limits.maxFieldBytes);
        if (const UploadedFile* file = f.file(name)) {
            SAC_FUZZ_CHECK(file->bytes.size() <= limits.maxFileBytes + 1);
            SAC_FUZZ_CHECK(file->fileName.find_first_of("/\\") == std::string::npos);
            SAC_FUZZ_CHECK(file->fileName.size() <= 255);
            if (file->bytes.size() > limits.maxFileBytes) SAC_FUZZ_CHECK(f.fileTooLarge(name));
        }
    }
    return 0;
}
