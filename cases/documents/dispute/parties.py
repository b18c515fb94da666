"""How the dispute documents name the parties: who is 申请人 and who 被申请人 (the applicant may
be the worker or the employer), the agents acting for each on the day of the document
(委托代理人：X（特别授权）), and the workers' side of a case with several workers (王秀英等12人,
its elected representatives, the full list where it matters).

`parties_context(case, day)` is merged into every dispute document's context by
intake._case_context; `sample_parties(...)` gives the samples the same keys without a database.
"""

from cases.documents.registry import Context
from cases.models import Agent, DisputeCase
from cases.models.dispute.representation import (
    AgentKind,
    PartySide,
    active_agents,
    case_workers,
)

WORKER, EMPLOYER = PartySide.WORKER.value, PartySide.EMPLOYER.value


AGENT_LABEL = "委托代理人"


def agent_entry(agent: Agent, *, several_workers: bool = False) -> Context:
    """{"line": "委托代理人：李四（特别授权），律师，北京市某律师事务所[，受张三委托]", "detail": the part
    after the label (a table prints the label in its own column), "name": 李四}."""
    details = [str(AgentKind(agent.kind).label)] + ([agent.workplace] if agent.workplace else [])
    if several_workers and agent.worker_id is not None:
        details.append(f"受{agent.worker.name}委托")
    detail = f"{agent.name}（{agent.get_authority_display()}），" + "，".join(details)
    return {"line": f"{AGENT_LABEL}：{detail}", "detail": detail, "name": agent.name}


def _worker_text(name: str, sex: str, count: int, representatives: list[str]) -> str:
    if count <= 1:
        return f"{name}，{sex}" if sex else name
    if representatives:
        return f"{name}等{count}人（代表人：{'、'.join(representatives)}）"
    return f"{name}等{count}人（名单附后）"


def _employer_text(name: str, legal_representative: str) -> str:
    return f"{name}，法定代表人{legal_representative}" if legal_representative else name


def _assemble(*, applicant_side: str, worker: Context, employer: Context, workers: Context | None,
              agents: dict[str, list[Context]]) -> Context:
    """The keys every dispute document gets, from plain data (the case's or a sample's)."""
    roles = {WORKER: "申请人" if applicant_side == WORKER else "被申请人"}
    roles[EMPLOYER] = "被申请人" if applicant_side == WORKER else "申请人"
    representatives = workers["representative_names"] if workers else []
    entries = {
        WORKER: {"side": WORKER, "role": roles[WORKER], "name": worker["party_name"],
                 "text": _worker_text(worker["name"], worker.get("sex", ""), workers["count"] if workers else 1,
                                      representatives),
                 "agents": agents[WORKER]},
        EMPLOYER: {"side": EMPLOYER, "role": roles[EMPLOYER], "name": employer["name"],
                   "text": _employer_text(employer["name"], employer.get("legal_representative", "")),
                   "agents": agents[EMPLOYER]},
    }
    order = (WORKER, EMPLOYER) if applicant_side == WORKER else (EMPLOYER, WORKER)
    applicant, respondent = entries[order[0]], entries[order[1]]
    worker_line = f"{roles[WORKER]}（代表人签名）" if representatives else f"{roles[WORKER]}（签名）"
    return {
        "applicant_side": applicant_side,
        "worker_role": roles[WORKER],
        "employer_role": roles[EMPLOYER],
        "parties": [applicant, respondent],
        "parties_text": f"{applicant['role']}{applicant['name']}与{respondent['role']}{respondent['name']}",
        "workers": workers,
        "signature_lines": {WORKER: worker_line, EMPLOYER: f"{roles[EMPLOYER]}（签名或盖章）"},
    }


def workers_context(case: DisputeCase, *, full: bool) -> Context | None:
    """The workers' side when it has several: count, the list (representatives marked), and
    the representatives' names; None for a case with one worker."""
    rows = case_workers(case)
    if len(rows) <= 1:
        return None
    listed = [{"seq": row.position, "name": row.worker.name, "sex": row.worker.get_sex_display(),
               "resident_id": (row.worker.resident_id or "") if full else "",
               "representative": row.is_representative} for row in rows]
    return {"count": len(rows), "collective": case.collective, "list": listed,
            "representative_names": [item["name"] for item in listed if item["representative"]],
            "representatives": "、".join(item["name"] for item in listed if item["representative"])}


def parties_context(case: DisputeCase, day, *, worker: Context, employer: Context, full: bool) -> Context:
    """The parties of `case` as its documents of `day` name them. Adds the party name and the
    agents to the `worker` and `employer` particulars it is handed."""
    workers = workers_context(case, full=full)
    several = workers is not None
    agents = {WORKER: [], EMPLOYER: []}
    for agent in active_agents(case, day):
        agents[agent.side].append(agent_entry(agent, several_workers=several))
    worker["party_name"] = case.workers_label
    worker["representatives"] = workers["representatives"] if workers else ""
    worker["agents"], employer["agents"] = agents[WORKER], agents[EMPLOYER]
    return _assemble(applicant_side=case.applicant_side, worker=worker, employer=employer, workers=workers,
                     agents=agents)


# -- Samples ------------------------------------------------------------------------------

SAMPLE_EMPLOYER_AGENT = {"line": "委托代理人：孙丽（特别授权），用人单位工作人员，人事经理",
                         "detail": "孙丽（特别授权），用人单位工作人员，人事经理", "name": "孙丽"}
SAMPLE_WORKERS = (
    ("王秀英", "女", "110108198803120021", True), ("刘建国", "男", "11010819790715001X", True),
    ("陈静", "女", "110105199002280047", False), ("赵磊", "男", "11010619851103003X", False),
    ("孙红梅", "女", "110108198206190064", False), ("周强", "男", "110102199304120015", False),
    ("吴婷", "女", "11010719910808002X", False), ("郑伟", "男", "110108198712240052", False),
    ("马丽", "女", "110111198905170044", False), ("何军", "男", "110108198003300016", False),
    ("高燕", "女", "110105199212090065", False), ("林峰", "男", "110108198609210031", False),
)


def sample_parties(worker: Context, employer: Context, *, collective: bool = False, full: bool = True) -> Context:
    """The sample's parties: the worker applied, the employer acts through its HR manager with
    special authority; with `collective`, twelve workers and their two representatives."""
    workers = None
    if collective:
        listed = [{"seq": n, "name": name, "sex": sex, "resident_id": resident_id if full else "",
                   "representative": rep} for n, (name, sex, resident_id, rep) in enumerate(SAMPLE_WORKERS, start=1)]
        names = [item["name"] for item in listed if item["representative"]]
        workers = {"count": len(listed), "collective": True, "list": listed, "representative_names": names,
                   "representatives": "、".join(names)}
    worker = {**worker, "party_name": f"{worker['name']}等{workers['count']}人" if workers else worker["name"],
              "representatives": workers["representatives"] if workers else "", "agents": []}
    employer = {**employer, "agents": [SAMPLE_EMPLOYER_AGENT]}
    context = _assemble(applicant_side=WORKER, worker=worker, employer=employer, workers=workers,
                        agents={WORKER: [], EMPLOYER: [SAMPLE_EMPLOYER_AGENT]})
    return {"worker": worker, "employer": employer, **context}
