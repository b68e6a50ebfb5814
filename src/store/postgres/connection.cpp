#include "store/postgres/connection.hpp"

#include "core/storage.hpp"
#include "store/postgres/postgres_abi.h"
#include "util/module.hpp"

#include <utility>

namespace pjm::store::postgres {

namespace {

using core::StorageError;

// The driver's table of functions, loaded once per process (thread-safe static).
const pjm_pg_api& api() {
    static const pjm_pg_api* table = [] {
        try {
            static const util::Module module =
                util::Module::load("store-postgres", PJM_PG_ABI_VERSION);
            return module.function<const pjm_pg_api* (*)()>("pjm_store_postgres_api")();
        } catch (const std::runtime_error& e) {
            throw StorageError(std::string("PostgreSQL support is not available: ") + e.what());
        }
    }();
    return *table;
}

std::string message_of(const pjm_pg_error& err) {
    return err.message[0] ? err.message : "the PostgreSQL driver failed";
}

} // namespace

Result::~Result() {
    if (m_r) m_api->free_result(m_r);
}

Result::Result(Result&& o) noexcept
    : m_api(o.m_api), m_r(std::exchange(o.m_r, nullptr)), m_none(o.m_none) {}

int Result::rows() const {
    return m_r ? m_api->rows(m_r) : 0;
}

bool Result::null(int row, int column) const {
    return m_api->is_null(m_r, row, column) != 0;
}

std::string Result::text(int row, int column) const {
    return m_api->value(m_r, row, column);
}

std::string Result::command() const {
    return m_r ? m_api->command(m_r) : "";
}

Connection::Connection(const std::string& url) : m_api(api()) {
    pjm_pg_error err{};
    if (m_api.connect(url.c_str(), &m_pg, &err) != PJM_PG_OK) throw StorageError(message_of(err));
}

Connection::~Connection() {
    m_api.close(m_pg);
}

std::string Connection::describe() const {
    char buf[512];
    std::size_t n = m_api.describe(m_pg, buf, sizeof buf);
    if (n < sizeof buf) return buf;
    std::string text(n + 1, '\0');
    m_api.describe(m_pg, text.data(), text.size());
    text.resize(n);
    return text;
}

// A connection dropped between transactions (a restarted server, an idle timeout) is opened
// again before the next statement; inside a transaction a lost connection is an error.
void Connection::ensure_connected() {
    if (m_in_tx) return;
    pjm_pg_error err{};
    if (m_api.reconnect(m_pg, &err) == PJM_PG_ERROR) throw StorageError(message_of(err));
}

Result Connection::exec(std::string_view what, const std::string& sql, const Params& params,
                        Race race) {
    ensure_connected();
    return run(what, sql, params, race);
}

Result Connection::run(std::string_view what, const std::string& sql, const Params& params,
                       Race race) {
    pjm_pg_error err{};
    pjm_pg_result* r = nullptr;
    int rc =
        m_api.exec(m_pg, sql.c_str(), static_cast<int>(params.size()), params.data(), &r, &err);
    if (rc == PJM_PG_OK || rc == PJM_PG_NONE) return Result(m_api, r, rc == PJM_PG_NONE);
    std::string msg = std::string(what) + " failed: " + message_of(err);
    if (rc == PJM_PG_RETRY && race == Race::retry) throw LostRace{std::move(msg)};
    throw StatementError(msg, err.sqlstate);
}

Result Connection::exec_idempotent(std::string_view what, const std::string& sql,
                                   const Params& params) {
    ensure_connected();
    try {
        return run(what, sql, params, Race::fail);
    } catch (const StatementError&) {
        pjm_pg_error err{};
        if (m_in_tx || m_api.reconnect(m_pg, &err) != PJM_PG_RETRY) throw;
    }
    return run(what, sql, params, Race::fail);
}

void Connection::begin(Mode mode) {
    if (m_in_tx) throw StorageError("a transaction is already open on this connection");
    exec_idempotent("starting a transaction",
                    mode == Mode::read ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                       : "BEGIN ISOLATION LEVEL READ COMMITTED");
    m_in_tx = true;
}

void Connection::commit(Race race) {
    m_in_tx = false; // a failed COMMIT ends the transaction too
    Result r = exec("committing", "COMMIT", {}, race);
    if (r.command() != "COMMIT")
        throw StorageError(
            "the server rolled the transaction back instead of committing it; try again");
}

void Connection::rollback() noexcept {
    if (!m_in_tx) return;
    m_in_tx = false;
    pjm_pg_error err{};
    m_api.exec(m_pg, "ROLLBACK", 0, nullptr, nullptr, &err);
}

} // namespace pjm::store::postgres
