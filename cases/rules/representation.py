"""Who may act for a party in mediation: agents with general or special authority, and the
representatives of a collective dispute.

- 《劳动争议调解仲裁法》第七条: 「发生劳动争议的劳动者一方在十人以上，并有共同请求的，可以推举代表
  参加调解、仲裁或者诉讼活动。」 Ten or more workers with a common claim are one collective
  dispute, in one case, which they join through the representatives they elect.
- An agent (委托代理人) acts under a power of attorney (授权委托书) stating the matters and the
  authority given. By the rule of civil procedure the mediation organisations follow
  (《民事诉讼法》第六十二条, applied by analogy), admitting, waiving or changing claims and
  settling need special authority (特别授权) written out in the power of attorney; a bare
  "全权代理" is general authority (一般授权), which covers procedural acts only.
"""

from django.utils.translation import gettext_lazy as _

# Art.7: the workers' side of a collective dispute has at least this many workers.
COLLECTIVE_MIN_WORKERS = 10

ART7 = _("《劳动争议调解仲裁法》第七条")
ART7_TEXT = _("发生劳动争议的劳动者一方在十人以上，并有共同请求的，可以推举代表参加调解、仲裁或者诉讼活动")
SPECIAL_AUTHORITY_CITATION = _(
    "参照《民事诉讼法》第六十二条：授权委托书必须记明委托事项和权限；代为承认、放弃、变更请求，进行和解，"
    "必须有委托人的特别授权")


def is_collective_size(workers: int) -> bool:
    """Whether a workers' side of `workers` people is large enough for a collective dispute (Art.7)."""
    return workers >= COLLECTIVE_MIN_WORKERS
