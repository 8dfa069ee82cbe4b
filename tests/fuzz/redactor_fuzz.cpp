// The log redactor over arbitrary text (it sees every log line, including what an
// anonymous client typed). Besides not crashing or stalling, a plain secret after a
// secret key never reaches the output.
#include "FuzzSupport.h"

#include "sac/host/Redactor.h"

#include <cctype>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    (void)sac::host::redactSecrets(in);

    std::string secret;
    for (char c : in)
        if (std::isalnum(static_cast<unsigned char>(c))) secret += c;
    if (secret.size() >= 4 && secret.size() <= 256) {
        for (const char* key : {"password=", "client_secret: ", "refresh_token=", "\"access_token\": \""}) {
            const std::string line = "login failed for ana " + std::string(key) + secret + "\" from 10.0.0.1";
            const std::string out = sac::host::redactSecrets(line);
            SAC_FUZZ_CHECK(out.find(secret + "\" from") == std::string::npos);
        }
    }
    return 0;
}
