// The module's only exported symbol. Everything else in libsac.so is hidden.
#include <sac/module_api.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "Module.h"

#define SAC_EXPORT __attribute__((visibility("default")))

namespace {

std::shared_mutex g_lock; ///< exclusive for init/start/shutdown/stopping; shared for menu badges
std::unique_ptr<sac::Module> g_module;

/// Copies one line (newlines become spaces) into the host's buffer.
int fail(char* error, size_t len, const std::string& reason) {
    if (error && len > 0) {
        std::string line = "sac: " + reason;
        for (auto& c : line)
            if (c == '\n' || c == '\r') c = ' ';
        const size_t n = std::min(len - 1, line.size());
        std::memcpy(error, line.data(), n);
        error[n] = '\0';
    }
    return SAC_ERROR;
}

int moduleInit(const sac_host_services* host, sac_registrar* registrar, char* error, size_t errorLen) {
    try {
        std::lock_guard<std::shared_mutex> guard(g_lock);
        if (g_module) return fail(error, errorLen, "init() called twice");
        if (!registrar) return fail(error, errorLen, "expected a registrar, got NULL");
        auto created = sac::Module::create(host);
        if (!created) return fail(error, errorLen, created.error());
        auto registered = created.value()->registerWith(*registrar);
        if (!registered) return fail(error, errorLen, registered.error());
        g_module = std::move(created.value());
        return SAC_OK;
    } catch (const std::exception& e) {
        return fail(error, errorLen, std::string("init failed: ") + e.what());
    } catch (...) {
        return fail(error, errorLen, "init failed with an unknown exception");
    }
}

int moduleStart(char* error, size_t errorLen) {
    try {
        std::lock_guard<std::shared_mutex> guard(g_lock);
        if (!g_module) return fail(error, errorLen, "start() called before a successful init()");
        auto started = g_module->start();
        if (!started) return fail(error, errorLen, started.error());
        return SAC_OK;
    } catch (const std::exception& e) {
        return fail(error, errorLen, std::string("start failed: ") + e.what());
    } catch (...) {
        return fail(error, errorLen, "start failed with an unknown exception");
    }
}

void moduleShutdown() {
    try {
        std::lock_guard<std::shared_mutex> guard(g_lock);
        g_module.reset();
    } catch (...) {
    }
}

void moduleStopping() {
    try {
        std::lock_guard<std::shared_mutex> guard(g_lock);
        if (g_module) g_module->stopping();
    } catch (...) {
    }
}

int moduleMenuBadge(const sac_user* user, const char* href, int64_t* count, char* text, size_t textLen) {
    try {
        if (!user || !href || !count) return SAC_ERROR;
        std::shared_lock<std::shared_mutex> guard(g_lock);
        if (!g_module) return SAC_ERROR;
        auto badge = g_module->menuBadge(*user, href);
        if (!badge) return SAC_ERROR;
        *count = badge->first;
        if (text && textLen > 0) {
            const size_t n = std::min(textLen - 1, badge->second.size());
            std::memcpy(text, badge->second.data(), n);
            text[n] = '\0';
        }
        return SAC_OK;
    } catch (...) {
        return SAC_ERROR;
    }
}

const sac_module_info kEntry{
    SAC_MODULE_ABI_VERSION, sizeof(sac_module_info), "sac", "0.1.0", &moduleInit, &moduleStart, &moduleShutdown,
    &moduleStopping, &moduleMenuBadge,
};

} // namespace

extern "C" SAC_EXPORT const sac_module_info* sac_module_entry(void) { return &kEntry; }
