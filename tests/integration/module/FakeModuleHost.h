// A host stand-in for calling the module's C entry directly in tests: the
// services table over a FakeHost, and an Answer that collects a response.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <sac/module_api.h>

namespace sac::test {

struct FakeHost {
    std::string url;
    std::string dir;
    std::int64_t now = 1'717'000'000'000;
    std::vector<std::string> logs;
    std::map<std::string, std::string> settings;
};

using SubmitJobFn = int (*)(void*, const char*, void (*)(void*), void*);

/// A job pool that refuses every job.
inline int refuseJob(void*, const char*, void (*)(void*), void*) { return SAC_ERROR; }

/// The services table of host; submit decides what happens to jobs.
inline sac_host_services servicesFor(FakeHost& host, SubmitJobFn submit = &refuseJob) {
    return {SAC_MODULE_ABI_VERSION,
            sizeof(sac_host_services),
            &host,
            [](void* c, int, const char* m) { static_cast<FakeHost*>(c)->logs.push_back(m); },
            [](void* c) { return static_cast<FakeHost*>(c)->now; },
            [](void* c) { return static_cast<FakeHost*>(c)->url.c_str(); },
            [](void* c, const char* key, char* out, size_t len) {
                auto& s = static_cast<FakeHost*>(c)->settings;
                auto it = s.find(key);
                if (it == s.end()) return static_cast<int>(SAC_ERROR);
                std::snprintf(out, len, "%s", it->second.c_str());
                return static_cast<int>(SAC_OK);
            },
            submit,
            [](void*, const char*, sac_user*) { return static_cast<int>(SAC_ERROR); },
            [](void* c) { return static_cast<FakeHost*>(c)->dir.c_str(); }};
}

/// What a route wrote back.
struct Answer {
    int status = 200;
    std::map<std::string, std::string> headers;
    std::string body;
    std::string layout;

    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
    std::string location() const { return header("Location"); }
};

/// A response table writing into answer.
inline sac_response responseFor(Answer& answer) {
    return {SAC_MODULE_ABI_VERSION,
            sizeof(sac_response),
            &answer,
            [](void* c, int s) { static_cast<Answer*>(c)->status = s; },
            [](void* c, const char* n, const char* v) { static_cast<Answer*>(c)->headers[n] = v; },
            [](void* c, const char* d, size_t n) { static_cast<Answer*>(c)->body.append(d, n); },
            [](void* c, const char* t) { static_cast<Answer*>(c)->layout = t; }};
}

} // namespace sac::test
