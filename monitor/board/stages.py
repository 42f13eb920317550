"""Stages of a bid and the predicates that state them, on raw (normalized) Korean strings.

A cue is a predicate such as "의향서를 제출했다" (신청) or "최종 선정됐다" (선정). What follows
it decides what it says: "선정되길 기대", "선정을 목표로", "선정될 수 있도록" are hope, not a
selection (the bidder is pursuing it: 추진); "선정되지 못했다" is a loss (탈락); "신청할 계획"
is a plan (추진). `find_cues` returns every cue in a clause with the stage it states, or None
for a cue that states nothing (a hoped-for follow-up, a denied application).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .anchors import anchored

STAGES = ("추진", "신청", "심사", "선정", "탈락", "후속")
DEFAULT_ORDER = ("추진", "신청", "심사", "선정/탈락", "후속")

# Adverbs the press puts inside a predicate ("유치에 최종 성공", "유치전에 늦게 합류"): one
# optional word, so a cue is the morphology of the predicate, not one fixed string.
_ADV = (
    r"(?:(?:최종|최종적으로|끝내|결국|마침내|드디어|극적으로|공식|공식적으로|정식|정식으로|사실상|당당히|"
    r"일찌감치|늦게|뒤늦게|다시|또다시|먼저|공동|공동으로|함께|나란히|이미|아쉽게|아쉽게도|아깝게|"
    r"전격|돌연|자진|스스로|전면|잠정|아예|각각|각자|모두|본격|본격적으로|강력히|간절히|적극|꼭|반드시|간발의\s차로|근소한\s차로|한\s발\s차로)\s)?"
)
# Words naming a bid's committee or team ("추진위원회", "유치 전담 TF", "서포터즈")
_BODY = r"(?:위원회|추진단|유치단|지원단|자문단|협의회|협의체|TF|전담팀|전담\s?조직|태스크포스|서포터즈|기획단|특위|특별위원회)"
# An active predicate that a cue's stem takes: done (했/한/하고/하며), or the passive (됐/된/돼)
_DONE = r"(?:했|한|하고|하며|하면서|해|됐|되었|된|돼|되며|되면서)"
CUES: dict[str, tuple[str, ...]] = {
    "추진": (
        r"유치(?:를|에|전에|전을|도|에도)?\s?"
        + _ADV
        + r"(?:추진|나서|나선|나섰|도전|총력|사활|전력|뛰어들|출사표|시동|박차|팔을?\s?걷|올인|매진|힘을\s?모|역량을\s?집중|본격화|선언|공식화)",
        r"유치(?:를|을)?\s?(?:\S+\s){0,2}?(?:건의|요청|촉구|호소)(?:했|한|하고|하며|하는|문|서)",
        r"유치\s?(?:추진|활동|전략|계획|방안|의지|의사|의향(?!서)|노력|준비|경쟁에|운동|결의|선언|건의|촉구)",
        r"유치(?:하겠|해\s?내겠|해내겠|를\s?위해|를\s?위한|하기\s?위해|하기\s?위한|에\s?나서)",
        r"(?:총력|역량|행정력|힘)(?:전)?(?:에|을|를)?\s?(?:모든\s)?(?:나섰|나선|기울|다하|펼치|쏟|집중|결집|모으|모아|모았)",
        r"(?:경쟁|각축|경합)(?:을|전을|전에)?\s?(?:벌이|벌인|벌여|벌일|펼치|펼쳐|하고|하는|하며|중)",
        r"(?:추진|유치)\s?(?:전담\s?)?"
        + _BODY
        + r"(?:를|을)?\s?(?:\S+\s){0,2}?(?:구성|출범|발족|꾸리|꾸린|꾸렸|신설|만들|결성|가동)",
        _BODY + r"(?:를|을)\s?(?:\S+\s)?(?:구성|출범|발족|꾸리|꾸린|꾸렸|꾸려|신설|결성|가동|띄웠|띄운|띄우)",
        # the bid made the administration's first task ("시정 최우선 과제로 정하고")
        r"(?:최우선|핵심|역점|중점|1순위|제1)\s?(?:과제|사업|목표|현안)(?:로|으로)\s?(?:정하|정했|정한|삼|내걸|내건|꼽)",
        r"(?:타당성|기본\s?구상|기본\s?계획)\s?(?:조사\s?|검토\s?)?(?:연구\s?)?용역",
        r"연구\s?용역(?:을|를)?\s?(?:\S+\s)?(?:발주|착수|맡기|맡겼|의뢰)",
        # the filing is days away ("서류 제출을 하루 앞두고"): still pursuing, not filed
        r"(?:신청|제출|응모)(?:을|를)?\s?(?:\S+\s){0,2}?앞두",
        r"(?:경쟁|유치전|유치\s?(?:경쟁|레이스|대열|행렬|전쟁)|레이스|대열)에\s?"
        + _ADV
        + r"(?:뛰어들|뛰어든|가세|합류|도전|나서|나선|나섰)",
        # the campaign's public acts ("유치 서명부를 전달", "유치 결의대회", "범시민 궐기대회")
        r"유치\s?(?:\S+\s)?(?:서명부|서명\s?운동|서명|결의대회|궐기대회|촉구대회|염원|건의서|청원)",
        r"(?:비전\s?)?선포식",
        r"(?:적극|본격)\s?추진",
        r"출사표를?\s?(?:던|냈)",
        r"도전장을?\s?(?:냈|내밀|던|낸)",
        # hope and goals name the bid without stating more than that it is pursued
        r"(?:선정|유치|성사|확정)(?:되길|되기를|되기\s?위|될\s?수\s?있도록|되도록|을\s?목표|를\s?목표|에\s?대비|될\s?것으로\s?기대)",
        r"유치(?:가|이)?\s?(?:성사|실현)(?:되길|되기를|될\s?수|되도록)",
        r"유치(?:하길|하기를|해\s?달라|해\s?주길|해\s?주기를|해\s?줄\s?것)",
        # aiming at it ("최종 선정까지 노려보겠다", "유치를 정조준"); a review launched ("유치 검토에
        # 들어갔다"; "유치 여부 검토" is undecided: 여부 sits between)
        r"(?:선정|유치|낙점)(?:을|를|까지|도)?\s?(?:\S+\s)?(?:노리|노려|노린|노렸|넘보|넘본|겨냥|정조준|벼르|별러)",
        r"유치\s?검토(?:에\s?(?:착수|들어가|들어갔|들어간|돌입)|를\s?(?:시작|착수|본격화))",
        # the campaign's public acts without the word 유치 ("범군민 서명운동에 들어갔다")
        r"서명\s?운동(?:에|을)\s?(?:\S+\s)?(?:들어가|들어갔|들어간|돌입|벌이|벌였|벌인|나서|나섰|시작|전개)",
        # a bid (or another try) declared without the word 유치 ("곧바로 재도전을 선언했다", "2차 공모
        # 도전을 공식화하고")
        r"(?:재\s?)?도전(?:을|에|\s?의사를|\s?의지를|\s?의사|\s?의지|장을)?\s?"
        + _ADV
        + r"(?:선언|공식화|천명|예고|밝혔|밝힌|밝히)",
        # skipping this call for the next ("이번 공모를 건너뛰고 다음 기회를 노리고 있다")
        r"(?:다음|다음번|차기|후속|2차|3차)\s?(?:기회|공모|라운드|도전)(?:를|을|에|에서)?\s?(?:\S+\s)?"
        r"(?:노리(?!기로)|노려|노린|노렸|기약|엿보|엿본|준비하|준비한|준비에|도전하|도전한|도전할|겨냥|정조준)",
        # a decision to bid, the call named as a noun ("공모 참여를 확정했다", "도전을 결정했다")
        r"(?:참여|참가|도전|응모|출전)(?:를|을)\s?"
        + _ADV
        + r"(?:확정|결정|결심|공식화)(?:했|한|하고|하며|하면서|하자)",
        # the bid promised ("유치를 공약으로 내걸었다", "유치를 약속했다")
        r"유치(?:를|을)?\s?(?:\S+\s)?(?:공약(?:으로|을|했|한|하며|하고)|약속했|약속한|약속하며|다짐했|다짐한|다짐하며)",
        # the city looking for its own site ("후보지 발굴에 나섰다", "부지 물색에 들어갔다")
        r"(?:후보지|부지|입지)\s?(?:발굴|물색|찾기)(?:에|을|를)?\s?(?:\S+\s)?(?:나섰|나선|나서|착수|들어갔|들어간|돌입|시작)",
        # a quote claiming it ("센터는 반드시 우리 지역에 와야 합니다"): said by the next sentence's speaker
        r"(?:와야|들어서야|유치돼야|유치되어야|유치해야)\s?(?:한다|합니다|하며|하고|할\s?것)",
        # the committee launched at a ceremony ("범시민추진위원회 발대식을 열었다")
        _BODY
        + r"\s?(?:발대식|출범식|창립총회)(?:을|를)?\s?(?:\S+\s)?(?:열었|연|열고|열며|가졌|가진|갖고|개최)",
        # the bidder's own wish ("유치를 희망한다고 밝혔다"; an onlooker's is dropped in claims.py)
        r"유치(?:를|을)?\s?" + _ADV + r"(?:희망|원한|원하|바란|바라|열망|갈망)",
        # the papers in the making ("제안서를 준비 중", "신청서 작성에 들어갔다"): not filed yet
        r"(?:의향서|신청서|제안서|계획서|응모서|서류)(?:를|을)?\s?(?:\S+\s)?(?:준비|작성|마련)"
        r"(?:\s?중|하고|하는|하며|에\s?(?:들어|착수|나서|나섰|돌입|한창|분주))",
    ),
    "신청": (
        r"(?:참여\s?)?(?:의향서|신청서|제안서|계획서|응모서|지원서|서류)(?:를|도)?\s?(?:\S+\s){0,3}?"
        r"(?:제출|접수|냈|낸|낼|내고|내자|내(?=기)|내며|전달)",
        r"(?:제출|접수)한\s(?:\S+\s){0,4}?(?:신청서|의향서|제안서|계획서)",
        # "공모에 신청서를": the document's own pattern reads its verb ("내기로 했다" is a plan)
        r"공모에?\s?" + _ADV + r"(?:신청(?!서)|응모|참여|참가|지원(?!서))"
        # "공모 참여를 확정했다/백지화했다": the noun, its verb states a decision or a withdrawal
        r"(?!(?:를|을)\s?(?:\S+\s)?(?:확정|결정|결심|공식화|검토|저울질|고민|백지화|철회|포기|보류|유보|취소))",
        r"(?:신청|응모)(?:을|를)?\s?" + _ADV + r"(?:했|한|하고|하며|마쳤|마친|완료|접수)",
        r"(?:신청|응모|접수|제출)\s?(?:절차|서류)?(?:를|을)?\s?(?:\S+\s){0,2}?(?:마무리|마쳤|마친|완료|끝냈|끝낸)",
        r"(?:후보지|입지)(?:로|를)?\s?(?:신청|제안)",
        r"공모(?:에|에도)\s?(?:\S+\s)?(?:응했|응한|응하고|응하며|응해|응하면서)",
        r"(?:공식|정식)\s?(?:신청|응모)",
        # the call itself joined ("공모 대열에 합류했다", "공모에 이름을 올렸다"); a race
        # ("유치전에 합류") is 추진
        r"공모\s?(?:대열|행렬|레이스)?(?:에|에도)\s?"
        + _ADV
        + r"(?:뛰어들|뛰어든|가세|합류|이름을\s?올|명함을\s?내밀|명함을\s?내민)",
    ),
    "심사": (
        r"(?:(?:최종|1차|2차|3차)\s?)?(?:서면|발표|현장|대면|비대면|면접|최종|1차|2차|3차|본|서류|종합)\s?"
        r"(?:심사|평가|실사)(?:를|에|가)?\s?(?:(?!앞두|앞둔|앞서|위해|위한|대비|결과|준비)\S+\s){0,4}?"
        r"(?:받|진행|돌입|앞두|앞둔|치렀|치른|통과|거쳤|거쳐|참여|참석|나서|나섰|나선|임했|임해|진출|올랐|오른|올라|"
        r"마쳤|마친|마치고|마치며|마무리)",
        # a site check by the evaluators ("다음 달 현장 점검을 받게 됐다")
        r"현장\s?(?:점검|확인|방문\s?평가)(?:을|를)?\s?(?:\S+\s)?(?:받|진행|마쳤|마친|앞두|앞둔)",
        # the outcome hangs on the evaluation ("최종 평가 결과로 판가름 난다")
        r"(?:심사|평가|실사)\s?결과(?:로|에|에\s?따라)\s?(?:\S+\s)?(?:판가름|결판|가려|가려진|갈리|갈린|결정된다|결정될)",
        # the bidder spoke or was scored "in" the evaluation: it is being evaluated
        r"(?:서면|발표|현장|대면|최종|1차|2차)\s?(?:심사|평가|실사)(?:에서|장에서|에\s?참석해)",
        r"(?:최종|1차|2차|본|심사|평가)\s?발표회(?:에서|에\s?참석해|에\s?나서|에\s?나섰)",
        r"(?:현장\s?)?실사(?:단)?(?:를|가|이)?\s?(?:받|진행|방문|벌였|실시|나섰)",
        # evaluators as the subject, the bidders visited or heard some words later ("선정위원회는
        # 5일 인천 송도와 포항 영일만 후보지를 차례로 둘러봤다", "심사위원들은 인천시의 발표를 듣고")
        r"(?:실사단|심사단|평가단|(?:평가|심사|선정)위원(?:단|회|들)?)(?:은|는|이|가|도)?\s?(?:\S+\s){0,8}?"
        r"(?:방문|찾아|찾았|찾은|둘러|발표를\s?듣|발표를\s?청취|질의|점검)",
        r"(?:실사단|심사단|평가단|(?:평가|심사)위원(?:단|들)?)(?:을|를)\s?(?:맞|맞이)",
        r"(?:심사|평가)(?:를|에)?\s?(?:받았|받고|받은|받는|통과|돌입|진행|거쳐)",
        r"(?:최종\s?)?후보(?:지|군|도시)?(?:로|에)\s?(?:압축|올랐|오른|오르며|올라|포함|이름을\s?올|남았|남은|남아|선정|뽑히|뽑혔|뽑힌|추려)",
        r"(?:후보|명단|결선|본선|최종\s?라운드)\S{0,3}에\s?(?:\S+\s)?(?:들어(?!가)|들었|든(?=\s)|진입|안착|합류|이름을\s?올)",
        # waiting on the result of a call it is in ("입지 발표가 예정된 이달 말을 초조하게 기다리고 있다")
        r"(?:결과|입지|선정|최종)\s?발표(?:를|가|만|을)?\s?(?:\S+\s){0,4}?(?:기다리|기다린|기다려|학수고대|손꼽아|초조)",
        r"(?:최종\s?)?후보(?:지|군|도시)?(?:로|에)\s(?:\S+\s){1,4}?"
        r"(?:압축됐|압축돼|올랐|오른|오르며|올라|포함됐|포함돼|포함된|이름을\s?올|남았|뽑혔|뽑힌)",
        r"(?:발표\s?평가|프레젠테이션|PT)(?:를|에)?\s?(?:진행|했|마쳤|가졌|나섰|나서)",
        r"(?:숏리스트|쇼트리스트|[23]배수)",
        r"후보\S*\s(?:\S+\s){0,5}?(?:압축|이름을\s?올)",
        # "최종 후보 3곳에 포함됐다", "후보지 두 곳으로 뽑혔다"
        r"후보\s?(?:지\s?)?(?:\d|두|세|네|다섯)\s?(?:곳|개\s?\S+?)(?:에|으로|로|\s?안에|\s?안으로|\s?(?:가운데|중)\s?(?:하나로|한\s?곳으로|한\s?곳에))\s?(?:\S+\s)?"
        r"(?:포함|올랐|오른|올라|이름을\s?올|선정|뽑혔|뽑힌|압축|들었|든|들어)",
        r"압축(?:됐|되었|된|돼|되며|되면서)",
        # the race narrowed to its finalists ("2파전으로 좁혀졌다", "세 곳으로 추려졌다")
        r"(?:좁혀|추려)(?:졌|진|져|지며|지면서)",
        # through to the next round ("본선에 올랐다", "결선 진출", "1차 관문을 통과")
        r"(?:본선|결선|최종\s?라운드)(?:에|행|으로)?\s?(?:\S+\s)?(?:진출|올랐|오른|올라|안착|티켓)",
        r"(?:관문|문턱)(?:을|를)?\s?(?:통과|넘었|넘어|넘은|넘고|넘으며)",
        # finalists facing each other ("결선 무대에서 맞붙는다", "최종 라운드에서 격돌")
        r"(?:결선|본선|결승|최종\s?라운드|최종\s?심사|최종\s?평가)\s?(?:무대|레이스)?(?:에서|에)\s?(?:\S+\s)?"
        r"(?:맞붙|격돌|대결|맞대결|겨루|겨룬)",
        # the evaluators' marks ("높은 점수를 준", "후한 평가를 받았다", "호평을 받았다")
        r"(?:높은|후한|좋은|최고|최고점|낮은|박한)\s?(?:점수|평가|점)(?:를|을)?\s?(?:줬|준|주었|주며|받았|받은|받아|받고|얻었|얻은)",
        r"(?:호평|혹평|최고점|고득점)(?:을|를)?\s?(?:받았|받은|받아|받고|얻었|얻은|줬|준)",
        r"(?:심사|평가|실사|검토)\s?대상(?:에|으로)?\s?(?:\S+\s){0,2}?(?:포함|선정|올랐|오른|이름을\s?올)",
    ),
    "선정": (
        # passive: the bidder was chosen ("선정됐다", "낙점됐다", "확정된")
        r"(?:선정|낙점|확정)(?:됐|되었|된|돼|됨|되어|되며|되면서|되자)",
        r"(?:로|으로)\s?" + _ADV + r"(?:결정|채택)(?:됐|되었|된|돼|되자)",
        r"(?:유치|선정)\s?쾌거",
        r"(?:선정|확정|낙점)되는\s?(?:쾌거|영예|영광|성과|기쁨|결실)",
        r"유치(?:라는|의|에|에서)?\s?(?:\S+\s)?(?:쾌거|영예|영광|결실|성과|금자탑)(?:를|을)\s?(?:\S+\s)?"
        r"(?:거뒀|거둔|거두|안았|안은|안아|안게|이뤘|이룬|이뤄냈|이뤄낸|이뤄내|맺었|맺은|일궈|얻었|올렸)",
        r"(?:최종\s?)?승리(?:를|의\s?기쁨을)\s?(?:\S+\s)?(?:거뒀|거둔|거머쥐|거머쥔|차지|안았|안은)",
        r"(?:주인공|최종\s?승자|승자)(?:이|가|로|으로)\s?(?:됐|되었|된|돼|우뚝)",
        r"낙점(?:을|을\s?받|받)",
        r"우선\s?협상\s?대상(?:자|지)?(?:로|에)?\s?(?:선정|지정|뽑)",
        r"유치(?:에|를|가)?\s?"
        + _ADV
        + r"(?:성공|확정|따내|따냈|따낸|품|성사|이뤄냈|이뤄낸|이뤘|이룬|일궈냈|일궈낸|이끌어냈|이끌어낸)",
        # won the race ("유치전에서 승리했다", "경쟁에서 웃었다")
        r"(?:유치전|유치\s?경쟁|경쟁|공모|경합)에서\s?(?:\S+\s)?(?:승리|이겼|이긴|웃었|웃은|승자)",
        r"(?:를|을|\s)\s?"
        + _ADV
        + r"(?:품었|품은|품으며|품으면서|품에\s?안|품게|따냈|따낸|따내|거머쥐|거머쥔|꿰찼|꿰찬)",
        r"(?:로|으로|가|이)\s?" + _ADV + r"(?:뽑혔|뽑힌|뽑혀|선택됐|선택된)",
        # the bidder took it ("광양이 차지했다", "부산이 가져갔다", "1위를 차지했다")
        r"(?:이|가|1위를|1등을|1순위를)\s?"
        + _ADV
        + r"(?:차지했|차지한|차지하며|차지하면서|차지해|가져갔|가져간|가져가며|가져가면서|손에\s?넣었|손에\s?쥐었)",
        # a copula naming the winner ("최후 승자는 고창군이었다", "주인공은 결국 부산시였다")
        r"(?:승자|승리자|주인공|새\s?주인|새\s?보금자리|최종\s?입지|종착지|낙점지)(?:는|은)\s(?:\S+\s){0,2}?"
        r"\S+?(?:이었|였|로\s?정해졌|으로\s?정해졌|로\s?결정됐|으로\s?결정됐)",
    ),
    "탈락": (
        r"탈락",
        r"(?:고배|쓴잔|쓴맛)(?:를|을|로|으로)?(?:\s?(?:마셨|마신|마시|들었|든|맛봤|맛본|봤|본))?",
        r"낙방|석패|낙선|낙제점|과락",
        r"(?:유치전|유치\s?경쟁|경쟁|공모|경합|대결|결선|승부)에서\s?(?:\S+\s)?(?:패했|패한|패하며|패배|졌다|무릎을\s?꿇)",
        r"(?:에|에게)\s?(?:\S+\s)?(?:패했|패한|패하며|패배했|패배한|무릎을\s?꿇)",
        r"(?:선정|유치)(?:되|하)?지\s?못",
        r"(?:선정|포함|채택)되지\s?(?:않았|않은|않아|않고)",
        r"(?:유치|선정|꿈|뜻|목표|염원)(?:를|을)?\s?(?:이루|성사시키|따내|이끌어내|관철하)지\s?못",
        r"(?:선정|유치|신청|도전|진출|통과)(?:에|이|은|에는|는|도|에도)?\s?(?:\S+\s)?(?:실패|무산|불발|좌절|좌초)",
        # failure idioms: came to nothing, did not get through a round or onto a list
        r"(?:물거품|수포|무위|허사)(?:이|가|로|으로)?\s?(?:돌아가|돌아갔|돌아간|되|됐|된|돼|그쳤)",
        r"(?:후보|명단|본선|결선|문턱|관문|평가|심사|실사|대상)\S{0,3}\s?(?:\S+\s)?"
        r"(?:넘어서|넘|오르|들|진출하|통과하|포함되|이름을\s?올리)지\s?못",
        r"에서\s?(?:\S+\s)?(?:떨어졌|떨어진|떨어져|떨어지고|미끄러졌|미끄러진|미끄러져|낙마)",
        r"(?:분루|눈물)(?:를|을)?\s?(?:삼켰|삼킨|삼키)",
        r"(?:꿈|뜻|도전|계획)(?:을|를|은|는|이)?\s?(?:\S+\s)?(?:접었|접은|접고|접기로|멈췄|멈춘|멈춰|막을\s?내렸)",
        r"(?:무산|불발|좌절|좌초)(?:됐|되었|된|돼|로|으로)",
        r"빈손(?:으로|에|이\s?됐|이\s?된|이\s?돼)",
        r"후보(?:지|군|도시)?(?:로|에)\s?(?:오르|포함되|들)지\s?못",
        r"(?:신청|공모|유치|응모|도전|참여)(?:\s?(?:의사|의향|계획|방침))?(?:을|를)?\s?"
        + _ADV
        + r"(?:철회|포기|취하|접었|접은|접고|접기로|중단|단념|백지화|취소)",
        # the effort came to nothing ("유치 노력은 결실을 맺지 못했다")
        r"(?:결실|열매)(?:을|를)\s?(?:\S+\s)?(?:맺|거두|얻)지\s?못",
        r"(?:중도\s?)?하차(?:했|한|하고|하며)",
        # handed the program to a rival ("해남에 내준 포항시"); the rival is marked in mentions.py
        r"(?:에|에게)\s?(?:\S+\s)?(?:내준|내줬|내주고|내주며|내주면서|내줘|내주게|넘겨준|넘겨줬|넘겨주고|넘겨주며|"
        r"넘겨주면서|넘겨줘|넘겨주게|넘겨주자|내주자|빼앗긴|빼앗겼|빼앗기|뺏긴|뺏겼|양보했|양보한)",
        # a rank behind the winner ("2위에 그쳤다", "차점에 머물렀다")
        r"(?:[2-9]|두|세|네)\s?(?:위|등|순위)(?:에|로|으로)\s?(?:\S+\s)?(?:그쳤|그친|그치며|그치면서|머물렀|머문|머물며|머물면서|밀렸|밀린)",
        r"(?:[2-9]|두|세|네)\s?(?:위|등|순위)(?:를|을)\s?(?:차지|기록)(?:했|한|하며|하는\s?데\s?그)",
        r"(?:차점|차순위|최하위|꼴찌)(?:에|로|으로)\s?(?:\S+\s)?(?:그쳤|그친|그치며|머물렀|머문|밀렸|밀린)",
        r"물\s?건너(?:갔|간(?=\s)|가고|가며|가면서|가버렸)",
        # stopped at a round ("최종 관문에서 좌절했다", "1차 관문에서 멈춰 섰다")
        r"(?:관문|문턱|고비|벽|단계|라운드|심사|평가)(?:에서|에|앞에서)\s?(?:\S+\s)?"
        r"(?:좌절|멈춰\s?섰|멈춰\s?선|주저앉|꺾였|꺾인|꺾여|무너졌|무너진|무너져|막혔|막힌|고꾸라|발목이\s?잡)",
        r"(?:꿈|도전|희망|구상)(?:은|는|이|가|도)?\s?(?:\S+\s){0,2}?"
        r"(?:꺾였|꺾인|꺾이며|무너졌|무너진|멈춰\s?섰|멈춰\s?선|끝났|끝난|사라졌|날아갔|산산조각|무너지)",
        r"(?:발을\s?뺐|손을\s?뗐)",
        r"(?:에서|에게)?\s?밀려",
        r"(?:에|에서|에게)\s?밀린(?=\s)",
        r"(?:에|에게)\s?(?:\S+\s){0,2}?(?:뒤진|뒤졌|뒤져|뒤처진|뒤처졌|뒤처져)",
        r"(?:후보\S{0,2}|명단|선정|결과|심사|평가|대상|압축|경쟁|레이스)에서\s?(?:\S+\s){0,2}?(?:제외|빠졌|빠진|빠져|배제)",
    ),
    "후속": (
        r"(?:업무\s?)?협약(?:을|를|서)?\s?(?:\S+\s?)?(?:체결|맺|서명)",
        r"협약식(?:을|를)?\s?(?:\S+\s)?(?:가졌|가진|갖고|열었|연|개최)",
        r"(?:MOU|양해각서)(?:를|을)?\s?(?:체결|맺|교환|서명)",
        r"착공(?:식)?(?:을|했|한|에\s?들어)?",
        # the ceremony's name before the bare noun, so what follows it ("준공식은 ... 예정") is read
        r"기공식|상량식|준공식|준공|개소식|개소|개원식|개원|개관식|개관|문을\s?열|본격\s?가동|가동에\s?들어|첫\s?삽",
        r"(?:시범\s?)?운영(?:에|을)\s?(?:들어갔|들어간|시작|개시)",
        # works under way: design, land, construction ("부지 조성 공사에 들어갔다", "부지 매입에
        # 착수", "실시설계를 서두르고"); a plan ("착수할 계획") is read as one after the cue
        # (a bare 구축/조성 is also "협력체계 구축", "분위기 조성": only works on a site count)
        r"(?:설계|건립|공사|토목|건축|구축\s?공사|(?:부지|단지|기반)\s?조성|(?:부지|토지)\s?(?:매입|보상)|정지\s?작업)"
        r"(?:\s?(?:공사|사업|절차|작업))?"
        r"(?:에|를|을|이|가)?\s?(?:\S+\s){0,2}?(?:착수|들어갔|들어간|들어가|돌입|시작|서두르|서둘|한창|본격화)",
        r"(?:설계\s?공모|설계\s?용역)\s?(?:\S+\s)?(?:발주|당선작|공고|착수)",
        # works ordered or finished ("진입도로 개설 공사를 발주했다", "기본설계를 마무리했다")
        r"(?:설계|공사|건축|토목|(?:부지|토지)\s?(?:매입|보상))(?:를|을)?\s?(?:\S+\s){0,2}?(?:발주|입찰\s?공고|마무리|마쳤|마친|마치고|끝냈|끝낸|완료)",
        # the works contracted ("실시설계 계약을 맺었다", "시공사와 공사 계약을 체결")
        r"(?:설계|공사|시공|건립|건축|감리|조성)\s?(?:\S+\s)?계약(?:을|를)?\s?(?:\S+\s){0,2}?(?:맺|체결|마쳤|마친)",
        # the center's money passed or secured ("운영법인에 출자할 예산안이 도의회를 통과했다",
        # "건립 국비 300억원을 확보했다"); money for the bid ("유치 활동 예산") is read as 추진
        r"(?:예산안?|출자금?|출연금|사업비|국비|건립비)(?:이|가|을|를|도)?\s?(?:\S+\s){0,2}?"
        r"(?:통과했|통과한|통과해|의결|가결|확보했|확보한|반영됐|반영된|편성했|편성한)",
        r"공정률",
        # the permits of the works ("건축허가를 받았다", "실시계획 인가가 났다")
        r"(?:건축|개발|사업|착공|실시계획)\s?(?:허가|인가|승인)(?:을|를|이|가)?\s?(?:\S+\s)?(?:받았|받은|받아|받고|났|난|얻었|획득|완료|마쳤)",
        # the project's own administrative steps, after a selection ("지방재정 투자심사를 통과했다")
        r"(?:투자\s?심사|예비\s?타당성\s?(?:조사\s?)?(?:면제)?|예타\s?(?:면제)?|실시\s?계획)(?:를|을|가|이|에서)?\s?(?:\S+\s)?"
        r"(?:통과했|통과한|통과해|통과하며|통과하면서|면제됐|면제된|면제받|승인됐|승인된|승인을\s?받|확정됐|확정된)",
        # the plan or design of the center's construction ("센터 건립을 위한 기본계획 수립 용역");
        # a study for the bid ("유치를 위한 기본구상 용역") is 추진
        r"(?:건립|건설|구축|조성|설립)(?:을|를)?\s?(?:위한\s)?(?:기본\s?계획|기본\s?구상|기본\s?설계|실시\s?설계)"
        r"\s?(?:수립\s?)?(?:연구\s?)?용역",
        # the body that runs the center, set up ("운영을 맡을 재단을 출범시켰다", "법인 설립 조례")
        r"(?:재단|법인|출연기관|전담\s?기관|운영\s?기관|운영사|운영\s?주체|특수목적법인|SPC)(?:을|를|이|가|도)?\s?"
        r"(?:\S+\s){0,4}?(?:출범|설립했|설립한|설립됐|설립돼|세웠|세운|발족|창립|문을\s?열|현판|설립\s?(?:허가|인가|등기))",
        r"(?:설립|운영)\s?(?:및\s운영\s?)?조례(?:를|가|안을|안이)?\s?(?:\S+\s)?(?:제정|통과|공포|의결|가결)",
    ),
}
# A follow-up predicate whose object is the bid itself ("유치를 위한 업무협약", "공동 유치 협약"):
# an agreement to pursue the bid, so it states 추진, not a follow-up of a selection.
_FOR_THE_BID = re.compile(r"유치(?:를|에)?\s?(?:위한|위해|협력|지원|관련|공조)?\s?(?:\S+\s)?$")
# An active selection ("정부는 ... 해남을 확정했다", "전남도 컨소시엄을 선정했다"): the chosen
# bidder is the object; the subject is the one choosing. claims.py attaches it to objects only.
_NOT_A_PLACE = r"(?<!참여)(?<!참가)(?<!도전)(?<!신청)(?<!응모)(?<!출전)"  # "공모 참여를 확정했다"
_OBJECT_SELECTION = anchored(
    _NOT_A_PLACE + r"(?:을|를|\S)\s?" + _ADV + r"(?:선정|확정|낙점)(?:했|한|하고|하며|하면서|하자)"
    r"|" + _NOT_A_PLACE + r"(?:을|를)\s?" + _ADV + r"(?:결정|지정|선택|채택)(?:했|한|하고|하며|하면서|하자)"
    # "입지로 무안군을 택하면서": the place named before the chosen one
    r"|(?:을|를)\s?" + _ADV + r"(?:택했|택한|택하고|택하며|택하면서|택하자|뽑았|뽑은|뽑고|뽑으며|뽑으면서)"
    r"|(?:을|를)\s(?:\S*[^\s을를]\s){0,5}?\S*(?:지|도시|입지|대상|기관)(?:로|으로)\s?"
    + _ADV
    + r"(?:뽑았|뽑은|뽑고|택했|택한|선택했|선택한|지정했|지정한|결정했|결정한|정했|정한|발표했|발표한|발표하며)"
)
# "입지로 해남군을 발표했다": a selection announced, only with the place named before its object
_ANNOUNCED = anchored(r"(?:을|를)\s?" + _ADV + r"발표(?:했|한|하고|하며|하면서|하자)")
_PLACE_BEFORE = re.compile(r"(?:입지|도시|대상지|부지|지자체|설립지|건립지)(?:로|으로)\s(?:\S+\s){0,3}?\S+$")
# The program itself won, stated with the bare verb in the realis ("아태 AI 센터를 유치하면서",
# "...를 유치한 포항시", "...를 가져가면서"): a selection, but only with the program as its object,
# since 기업/투자를 유치했다 and 절반을 차지했다 are everyday news. claims.py checks that the program ends right before the particle.
# The program lost, as the object of 놓치다 ("국가 AI 컴퓨팅센터를 놓친 포항시"): only with the
# program as its object, since a chance or a deadline is missed in everyday news too.
_LOST_PROGRAM = anchored(r"(?:을|를|\s)\s?" + _ADV + r"(?:놓쳤|놓친|놓치고|놓치며|놓치면서)")
# The program went to a city ("아태 AI 센터가 포항으로 간", "...는 광주에 돌아갔다"), or the
# government sided with one ("청주시의 손을 들어줬다"): said of the name right before the cue.
_TO_NAMED = anchored(
    r"(?:으로|로|에|에게)\s?"
    + _ADV
    + r"(?:갔|간(?=\s)|가게\s?(?:됐|되면서|된)|가면서|가자|넘어갔|넘어간|돌아갔|돌아간|돌아가면서|낙착)"
)
# A condition on the selection ("나주시는 ... 선정될 경우 ... 효과를 내다봤다"): the bid pursued,
# but only said by the bidder as the topic; "정치권은 포항이 ... 확정되면" is someone's forecast.
_CONDITIONAL = anchored(
    r"(?:선정|유치|확정)(?:될\s?경우|된다면|되면(?!서)|될\s?시|되는\s?대로|에\s?성공하면|에\s?성공할\s?경우)"
)
# The program aimed at as the object ("이번에는 아태 AI 센터에 도전한다", "...센터를 노린다"): 추진,
# only with the program right before the particle (a record or a market is aimed at too).
_AIMED_PROGRAM = anchored(
    r"(?:에|에도|을|를)\s?" + _ADV + r"(?:재\s?)?(?:도전|노리|노려|노린|노렸|넘보|넘본|겨냥|정조준)"
)
# Turning to the program after another ("아태 AI 센터로 눈을 돌렸다", "...센터 유치로 방향을 틀었다"):
# only with the program before it, since a city also turns to a data center or a special zone.
_TURNED_TO = anchored(
    r"(?:\s?유치)?(?:\s?쪽)?(?:로|으로)\s?(?:\S+\s)?(?:눈을\s?돌|방향을\s?틀|방향을\s?돌|선회|시선을\s?돌|과녁을\s?옮)"
)
# The program as the head of an adnominal win ("경주시가 유치한 아태 AI 센터의 임시 사무국이",
# "해남군이 따낸 국가 AI 컴퓨팅센터는"): the name right before it won the program right after it.
_WON_THE_NEXT = anchored(
    r"(?:이|가)\s"
    + _ADV
    + r"(?:유치한|유치해\s?낸|유치해낸|따낸|품은|가져간|차지한|거머쥔|확정한|확정\s?지은)\s"
)
# Hope in a cue's words or right after it ("선정되기를 희망", "유치되길 바라는"): someone hopes;
# claims.py keeps it only when the bidder is the one hoping.
_HOPING = re.compile(r"되길|되기를|하길|하기를|기대|희망|바라|바란|기원|염원|와야|들어서야|돼야|되어야|해야")
_SIDED_WITH = anchored(r"의\s?손을\s?들어(?:줬|준|주며|주면서|주자|주었|줘)")
_WON_PROGRAM = anchored(
    r"(?:을|를)\s?"
    + _ADV
    + r"(?:유치(?:했|한(?=\s)|하면서|해\s?(?:냈|낸|내면서)|함에\s?따라|하게\s?(?:됐|되면서|된))"
    r"|가져갔|가져간|가져가며|가져가면서|차지했|차지한|차지하며|차지하면서)"
)

# After a cue: the predicate is hope, a plan, a condition or a goal, not a fact. A condition is
# "-면" but not "-면서" (while: a fact, "품으면서"); "-기로 했다" is a decision still to be carried out.
_MODAL = re.compile(
    r"^(?:\S{0,3})?\s?(?:"
    r"기대|목표|위해|위한|위하여|수\s?있도록|수\s?있게|도록|면(?!서)|다면|으면(?!서)|경우|예정|전망|계획|방침|"
    r"노력|총력|기원|희망|바라|바란|바람|앞두|앞둔|앞에|것으로\s?(?:보|예상|전망|기대)|할\s?것|될\s?것|"
    r"겠|려고|려는|하려|되려|가능성|여부|을\s?지|를\s?위|에\s?대비|을\s?목표|를\s?목표|을\s?기대|를\s?기대|"
    r"을\s?앞|를\s?앞|시\s|시에|하기|되기|기로|할|될|하길|되길|되기를|하기를|받을|받기|을\s?위|을\s?두고|에\s?대한|"
    r"결과|발표를|여부를|기준|절차|요건|일정|방식|공고|대상|심사|준비|을\s?미|를\s?미|을\s?연기|를\s?연기)"
)
# "검토 중", "참여하는 방안을 저울질", "참여 여부를": not even a decision to bid
# "참여를 적극 검토", "신청을 놓고 막판까지 고심": deliberating over it, with an adverb inside
_CONSIDER = re.compile(
    r"^(?:[할될낼갈]?지(?:는|를|도|\s?여부|\s?말지)(?!\s?(?:않|못)))"
    r"|^\S{0,4}\s?(?:여부|(?:(?:방안|가능성|문제|쪽)(?:을|를|도|에)?\s?(?:\S+\s){0,2})?"
    r"(?:(?:놓고|두고)\s(?:\S+\s){0,2}?)?"
    r"(?:(?:적극|적극적으로|신중히|신중하게|긍정적으로|내부적으로|심각하게|깊이|막판까지)\s)?"
    r"(?:검토|고려|저울질|타진|고민|고심|논의|장고|숙고|득실을\s?따|손익을\s?따|주판알|셈법))"
)
# "참여할 계획이 없다", "유치 의사는 없다": an intention denied states no bid at all
_NO_INTENT = re.compile(
    r"^\S{0,3}\s?(?:(?:계획|생각|의사|의향|방침|예정|뜻|여력)(?:이|은|도|가|는)?\s?)?(?:전혀\s|아직\s)?없"
)
# "의향서 제출을 다음 달로 미뤘다": postponed; "제출을 사흘 앞두고": the cue itself is still
# ahead (its object, not "통과해 발표 평가를 앞두고", where the next round is): both a plan
_POSTPONED = re.compile(
    r"^\S{0,3}\s?(?:\S+\s){0,3}?(?:미뤘|미루|미룬|연기|늦추|늦췄)|^(?:을|를)\s(?:\S+\s)?앞(?:두|둔)"
)
# "서면 평가에서 탈락했다": the evaluation names where the bid was lost, the loss is the news
_LOST_THERE = re.compile(r"^\S{0,3}\s?(?:\S+\s)?(?:탈락|고배|밀려|밀린|떨어|낙방)")
# "개소식은 2027년 봄으로 예정돼 있다", "착공식을 내년 3월 열 예정이다": a follow-up named as a
# noun, then planned further on; a past stem between ("열었으며 준공은 ... 예정") ends that reading
_PAST = "".join(chr(0xAC00 + i * 28 + 20) for i in range(19 * 21))  # syllables ending in ㅆ
_PLANNED_LATER = re.compile(
    r"^(?:은|는|이|가|도)\s(?:\S+\s){0,3}?\S*?(?:예정|계획|목표|전망|예상)"
    rf"|^(?:을|를)\s(?:[^\s{_PAST}]+\s){{0,3}}?[^\s{_PAST}]*?(?:예정|계획)"
)
# the same, for a cue that took the object particle itself ("착공식을")
_PLANNED_OBJECT = re.compile(rf"^\s(?:[^\s{_PAST}]+\s){{0,3}}?[^\s{_PAST}]*?(?:예정|계획)")
_NEGATED = re.compile(
    r"^(?:\S{0,3})?\s?(?:지\s?못|지\s?않|못했|못한|못하|않았|않은|않기로|안\s?돼|안\s?되|안\s?했)"
)
# A decision carried out: "신청을 철회하기로 했다" is a withdrawal already.
_DECIDED = re.compile(r"^\S{0,2}기로\s?(?:했|결정|한|하고)")
# Words before a 선정 cue that make it a shortlist: "후보지로 선정" is 심사.
_SHORTLIST_BEFORE = re.compile(
    r"(?:예비\s?후보|후보지|후보\s?도시|후보군|[23]배수)"
    r"(?:\s?(?:\d+|두|세|네|다섯)\s?(?:곳|개\s?\S+?)(?:\s?(?:가운데|중)\s?(?:하나|한\s?곳))?)?"
    r"(?:로|에|으로)?\s?(?:최종\s?)?$"
)


@dataclass(frozen=True, slots=True)
class Cue:
    """One predicate in a clause: where it is and the stage it states (None: states nothing)."""

    start: int
    end: int
    stage: str | None
    raw: str  # the stage its words name before hope and negation are read
    object_only: bool = False  # an active selection: it is said of its object, not its subject
    program_object: bool = False  # states something only with the program as its object
    named_before: bool = False  # said of the name right before it ("포항으로 간", "청주시의 손을")
    program_subject: bool = False  # only with the program as the clause's subject ("센터가 ...")
    topic_only: bool = False  # said only of a bidder as the topic ("나주시는"), not "포항이"
    hope: bool = False  # 추진 read from a hope ("선정되기를 희망"): whose hope is asked in claims.py
    program_after: bool = False  # only with the program right after it ("경주시가 유치한 아태 AI 센터")


_COMPILED = {stage: tuple(anchored(p) for p in pats) for stage, pats in CUES.items()}


def _read(stage: str, clause: str, start: int, end: int) -> str | None:
    after = clause[end : end + 16]
    if _CONSIDER.match(after) or _NO_INTENT.match(after):
        return None
    if stage == "탈락":
        # "탈락하지 않도록", "탈락할 경우": a fear, not a loss; "포기하기로 했다": a loss
        if _DECIDED.match(after):
            return "탈락"
        return None if _MODAL.match(after) or _NEGATED.match(after) else "탈락"
    if _NEGATED.match(after):
        return "탈락" if stage == "선정" else None
    if not _connected(clause, start, end) and (_MODAL.match(after) or _POSTPONED.match(after)):
        # hoped-for or planned: the bidder is pursuing it, nothing more
        return "추진" if stage in ("선정", "신청", "추진") else ("신청" if stage == "심사" else None)
    if stage == "선정" and _SHORTLIST_BEFORE.search(clause[max(0, start - 24) : start]):
        return "심사"
    if stage == "심사" and _LOST_THERE.match(after) and clause[start:end].endswith("에서"):
        # the evaluation is where the bid was lost ("최종 심사에서 떨어졌다"), but "최종 후보에
        # 올랐던 포항시는 고배를" got through one round before losing the next
        return None
    if stage == "후속" and (
        _PLANNED_LATER.match(clause[end : end + 30])
        or (clause[end - 1] in "을를" and _PLANNED_OBJECT.match(clause[end : end + 30]))
    ):
        return None
    if stage == "후속" and _FOR_THE_BID.search(clause[max(0, start - 16) : start]):
        return "추진"
    return stage


# A cue ending in a connective ("평가를 통과해 결과 발표를", "명단에 들어 발표를 준비", "신청하고
# 결과를"): it is done, and the words after it are the next predicate, not its hope or plan.
_CONNECTIVE_AFTER = re.compile(r"(?:해|하고|하며|하여|해서|되어|되고|되며)\s")
_CONNECTIVE_END = re.compile(r"(?:[어아여쳐해고며]|들어|올라)$")


def _connected(clause: str, start: int, end: int) -> bool:
    return bool(
        _CONNECTIVE_AFTER.match(clause, end)
        or (clause[end : end + 1] == " " and _CONNECTIVE_END.search(clause[start:end]))
    )


def find_cues(clause: str) -> list[Cue]:
    """Every stage cue in one clause, left to right, overlaps resolved to the longest."""
    found: list[Cue] = []
    for stage, patterns in _COMPILED.items():
        for pattern in patterns:
            for m in pattern.finditer(clause):
                found.append(Cue(m.start(), m.end(), _read(stage, clause, m.start(), m.end()), stage))
    for m in _OBJECT_SELECTION.finditer(clause):
        stage = _read("선정", clause, m.start(), m.end())
        found.append(Cue(m.start(), m.end(), stage, "선정", object_only=stage == "선정"))
    for m in _ANNOUNCED.finditer(clause):
        if _PLACE_BEFORE.search(clause, max(0, m.start() - 40), m.start()):
            stage = _read("선정", clause, m.start(), m.end())
            found.append(Cue(m.start(), m.end(), stage, "선정", object_only=stage == "선정"))
    for m in _WON_PROGRAM.finditer(clause):
        stage = _read("선정", clause, m.start(), m.end())
        found.append(Cue(m.start(), m.end(), stage, "선정", program_object=True))
    for m in _LOST_PROGRAM.finditer(clause):
        stage = _read("탈락", clause, m.start(), m.end())
        found.append(Cue(m.start(), m.end(), stage, "탈락", program_object=True))
    for m in _AIMED_PROGRAM.finditer(clause):
        stage = _read("추진", clause, m.start(), m.end())
        found.append(Cue(m.start(), m.end(), stage, "추진", program_object=True))
    for m in _TURNED_TO.finditer(clause):
        found.append(Cue(m.start(), m.end(), "추진", "추진", program_object=True))
    for m in _WON_THE_NEXT.finditer(clause):
        found.append(Cue(m.start(), m.end(), "선정", "선정", named_before=True, program_after=True))
    for m in _CONDITIONAL.finditer(clause):
        found.append(Cue(m.start(), m.end(), "추진", "추진", topic_only=True))
    for pattern, program_subject in ((_TO_NAMED, True), (_SIDED_WITH, False)):
        for m in pattern.finditer(clause):
            stage = _read("선정", clause, m.start(), m.end())
            found.append(
                Cue(m.start(), m.end(), stage, "선정", named_before=True, program_subject=program_subject)
            )
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cue] = []
    for cue in found:
        if kept and cue.start < kept[-1].end:
            # overlapping cues: the one stating the later stage of a loss/selection wins
            prev = kept[-1]
            if _priority(cue) > _priority(prev):
                kept[-1] = cue
            continue
        kept.append(cue)
    # "최종 심사에서 태안군이 ... 1위를 차지했다": the evaluation names where the outcome came
    for i, cue in enumerate(kept):
        outcome_later = any(c.stage in ("선정", "탈락") for c in kept[i + 1 :])
        if cue.raw == "심사" and clause[cue.start : cue.end].endswith("에서") and outcome_later:
            kept[i] = replace(cue, stage=None)
    for i, cue in enumerate(kept):
        if cue.stage == "추진" and _HOPING.search(clause, cue.start, cue.end + 12):
            kept[i] = replace(cue, hope=True)
    return kept


def _priority(cue: Cue) -> int:
    # "선정되지 못" is both a 선정 and a 탈락 cue; negation and loss outrank the plain words.
    order = {"탈락": 6, "후속": 5, "선정": 4, "심사": 3, "신청": 2, "추진": 1}
    return order.get(cue.raw, 0) * 100 + (cue.end - cue.start)


def stage_ranks(order: tuple[str, ...] = DEFAULT_ORDER) -> dict[str, int]:
    """'선정/탈락' shares one rank: a bid ends one way or the other."""
    ranks: dict[str, int] = {}
    for i, entry in enumerate(order, 1):
        for name in entry.split("/"):
            name = name.strip()
            if name not in STAGES:
                raise ValueError(f"unknown stage {name!r} (known: {', '.join(STAGES)})")
            ranks[name] = i
    return ranks
