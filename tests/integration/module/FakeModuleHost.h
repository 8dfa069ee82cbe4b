// A host stand-in for calling the module's C entry directly in tests: the
// services table over a FakeHost, and an Answer that collects a response.
#pragma once

#include <cstddef>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sac/module_api.h>

namespace sac::test {

/// A user list_account_users() answers (active users of an account).
struct FakeUser {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::string login, email, displayName;
    std::string role = "seller";
    std::string locale = "pt-BR";
};

struct FakeHost {
    std::string url;
    std::string dir;
    std::int64_t now = 1'717'000'000'000;
    std::vector<std::string> logs;
    std::map<std::string, std::string> settings;
    std::vector<FakeUser> users;
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
            [](void* c) { return static_cast<FakeHost*>(c)->dir.c_str(); },
            [](void* c, std::int64_t account, void (*fn)(void*, const sac_user*), void* fnCtx) {
                for (const auto& u : static_cast<FakeHost*>(c)->users) {
                    if (u.accountId != account) continue;
                    const sac_user view{u.id, u.accountId, u.login.c_str(), u.email.c_str(), u.displayName.c_str(),
                                        u.role.c_str(), u.locale.c_str()};
                    fn(fnCtx, &view);
                }
                return static_cast<int>(SAC_OK);
            }};
}

/// The services table of a host that predates list_account_users: its
/// struct_size ends before that field (the field itself is left NULL).
inline sac_host_services olderServicesFor(FakeHost& host, SubmitJobFn submit = &refuseJob) {
    sac_host_services s = servicesFor(host, submit);
    s.struct_size = static_cast<std::uint32_t>(offsetof(sac_host_services, list_account_users));
    s.list_account_users = nullptr;
    return s;
}

/// What a route wrote back.
struct Answer {
    int status = 200;
    std::map<std::string, std::string> headers;
    std::string body;
    std::string layout;
    bool streamed = false;                 ///< the route began a streamed answer
    std::size_t clientTakes = SIZE_MAX;    ///< streamed bytes the client reads before it goes away
    std::function<void()> beforeChunk;     ///< called before each streamed chunk is taken

    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
    std::string location() const { return header("Location"); }
};

/// A response table writing into answer. streaming false: a host from
/// before streaming (its sac_response ends before begin_stream).
inline sac_response responseFor(Answer& answer, bool streaming = true) {
    sac_response r{SAC_MODULE_ABI_VERSION,
                   sizeof(sac_response),
                   &answer,
                   [](void* c, int s) { static_cast<Answer*>(c)->status = s; },
                   [](void* c, const char* n, const char* v) { static_cast<Answer*>(c)->headers[n] = v; },
                   [](void* c, const char* d, size_t n) { static_cast<Answer*>(c)->body.append(d, n); },
                   [](void* c, const char* t) { static_cast<Answer*>(c)->layout = t; },
                   [](void* c) {
                       static_cast<Answer*>(c)->streamed = true;
                       return static_cast<int>(SAC_OK);
                   },
                   [](void* c, const char* d, size_t n) {
                       auto* a = static_cast<Answer*>(c);
                       if (a->beforeChunk) a->beforeChunk();
                       if (a->body.size() + n > a->clientTakes) return static_cast<int>(SAC_ERROR);
                       a->body.append(d, n);
                       return static_cast<int>(SAC_OK);
                   }};
    if (!streaming) {
        r.struct_size = offsetof(sac_response, begin_stream);
        r.begin_stream = nullptr;
        r.stream_write = nullptr;
    }
    return r;
}

} // namespace sac::test
