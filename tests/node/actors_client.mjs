// A Tapis v3 client written by others, unchanged, against pjm serve: the official TypeScript
// bindings for Actors (@tapis/tapis-typescript-actors, generated from the Tapis OpenAPI
// description). Sends a message the way the bindings do ({"message": …} to
// /v3/actors/<id>/messages, X-Tapis-Token in the headers) and reads everything back through
// their models. Prints one line per check; exits 1 on the first that fails.
//
// Environment: PJM_BASE (http://127.0.0.1:PORT), PJM_ACTOR, PJM_TAPIS_TOKEN, PJM_JOB,
// PJM_JOB_TOKEN.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const tapis = require("@tapis/tapis-typescript-actors");

const env = (name) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set`);
    return v;
};
const actorId = env("PJM_ACTOR");
const config = new tapis.Configuration({
    basePath: env("PJM_BASE"),
    headers: { "X-Tapis-Token": env("PJM_TAPIS_TOKEN") },
});

function check(what, ok, got) {
    if (!ok) {
        console.log(`FAIL ${what}: ${JSON.stringify(got)}`);
        process.exit(1);
    }
    console.log(`ok ${what}`);
}

const messages = new tapis.MessagesApi(config);
const sent = await messages.sendMessage({
    actorId,
    jSONMessage: {
        message: { uuid: env("PJM_JOB"), name: "update", token: env("PJM_JOB_TOKEN"), data: { via: "bindings" } },
    },
});
check("sendMessage succeeds", sent.status === "success", sent);
const executionId = sent.result && sent.result.executionId;
check("the reply's result.executionId (the model reads camel case)", typeof executionId === "string" && executionId.length > 0, sent.result);

const executions = new tapis.ExecutionsApi(config);
const execution = await executions.getExecution({ actorId, executionId });
const e = execution.result;
check("getExecution: actor_id (the model reads snake case)", e.actor_id === actorId, e);
check("getExecution: status COMPLETE", e.status === "COMPLETE", e);
check("getExecution: worker_id, start_time, message_received_time", !!e.worker_id && !!e.start_time && !!e.message_received_time, e);
check("getExecution: runtime, cpu, io are numbers", [e.runtime, e.cpu, e.io].every((n) => typeof n === "number"), e);

const logs = await executions.getExecutionLogs({ actorId, executionId });
check("getExecutionLogs: the log", typeof logs.result.logs === "string" && logs.result.logs.includes("update"), logs.result);

const list = await executions.listExecutions({ actorId });
const summary = list.result;
check("listExecutions: total_executions", typeof summary.total_executions === "number" && summary.total_executions >= 1, summary);
check("listExecutions: the newest execution first", summary.executions[0].id === executionId, summary.executions[0]);
check("listExecutions: items carry start_time and finish_time", !!summary.executions[0].start_time && !!summary.executions[0].finish_time, summary.executions[0]);

const actor = await new tapis.ActorsApi(config).getActor({ actorId });
check("getActor: the actor, READY", actor.result.id === actorId && actor.result.status === "READY", actor.result);

const workers = await new tapis.WorkersApi(config).listWorkers({ actorId });
check("listWorkers: this process, READY", workers.result.length === 1 && workers.result[0].status === "READY", workers.result);
check("listWorkers: the worker that ran the message", workers.result[0].id === e.worker_id, workers.result[0]);

const pending = await messages.getMessages({ actorId });
check("getMessages: nothing pending", pending.result.messages === 0, pending.result);

console.log(`ok execution ${executionId}`);
