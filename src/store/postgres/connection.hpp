// One connection to a PostgreSQL server through the driver module (postgres_abi.h), loaded on
// first use: statements with text parameters in, rows of text out, transactions, reconnecting
// between them. The SQL is postgres_store.cpp's.
#pragma once

#include "core/storage.hpp"

#include <string>
#include <string_view>
#include <vector>

struct pjm_pg;
struct pjm_pg_api;
struct pjm_pg_result;

namespace pjm::store::postgres {

// A statement that lost a race (serialization failure, deadlock, a concurrent insert of the
// same key) inside a transaction that may run again. Not a std::exception, so nothing on the
// way mistakes it for a failure: the transaction's owner rolls back and runs it again.
struct LostRace {
    std::string message;
};

// A failed statement: "<what pjm was doing> failed: <what the server said>; <what to do>".
class StatementError : public core::StorageError {
  public:
    StatementError(const std::string& message, std::string sqlstate)
        : core::StorageError(message), m_sqlstate(std::move(sqlstate)) {}
    // "" when the failure did not come from the server.
    const std::string& sqlstate() const { return m_sqlstate; }

  private:
    std::string m_sqlstate;
};

// What one statement returned; every value is text ("t"/"f" for a boolean).
class Result {
  public:
    Result(const pjm_pg_api& api, pjm_pg_result* r, bool none)
        : m_api(&api), m_r(r), m_none(none) {}
    ~Result();
    Result(Result&& o) noexcept;
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    Result& operator=(Result&&) = delete;

    // No row returned and none changed.
    bool none() const { return m_none; }
    int rows() const;
    bool null(int row, int column) const;
    std::string text(int row, int column) const;
    // The command tag ("COMMIT", "INSERT 0 1", …).
    std::string command() const;

  private:
    const pjm_pg_api* m_api;
    pjm_pg_result* m_r;
    bool m_none;
};

using Params = std::vector<const char*>; // nullptr is SQL NULL

// What a lost race becomes: a failure (core::StorageError), or LostRace for a transaction that
// runs again.
enum class Race { fail, retry };

class Connection {
  public:
    // Connects to a postgresql:// URL; throws core::StorageError saying why it cannot (and
    // when the module cannot be loaded).
    explicit Connection(const std::string& url);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // postgresql://user@host:port/database, without a password.
    std::string describe() const;

    // One statement. Outside a transaction a connection that died while idle is opened again
    // first. Throws StatementError, or LostRace when it lost a race and `race` is retry.
    Result exec(std::string_view what, const std::string& sql, const Params& params = {},
                Race race = Race::fail);
    // A read (or BEGIN) outside a transaction: when the connection turns out to have died
    // while idle (a restarted server, an idle timeout), connect again and run it once more.
    // Writes are not repeated this way: whether a write reached the server before it went is
    // unknowable.
    Result exec_idempotent(std::string_view what, const std::string& sql,
                           const Params& params = {});

    // READ COMMITTED (rows read FOR UPDATE stay locked), or REPEATABLE READ READ ONLY: one
    // consistent snapshot.
    enum class Mode { write, read };
    void begin(Mode mode);
    // A lost race (the server rolled the transaction back) becomes what `race` says.
    void commit(Race race = Race::fail);
    // Never throws; a no-op outside a transaction.
    void rollback() noexcept;
    bool in_transaction() const { return m_in_tx; }

  private:
    void ensure_connected();
    Result run(std::string_view what, const std::string& sql, const Params& params, Race race);

    const pjm_pg_api& m_api;
    pjm_pg* m_pg = nullptr;
    bool m_in_tx = false;
};

} // namespace pjm::store::postgres
