"""The 737 Hangul syllables common in running Korean text.

Derived (syllables occurring at least twice) from the Korean stop-word list shipped with
jusText (BSD-2-Clause; words from Korean Wikipedia). They cover about 99% of the syllables of
the seed page but only 31% of the 2350 syllables of KS X 1001, which is what makes them tell
real Korean from Chinese bytes read as CP949 (those land on any KS X 1001 syllable).
Regenerate: count the syllables of ``justext/stoplists/Korean.txt``, keep those seen twice.
"""

COMMON_HANGUL = frozenset(
    "가각간갈감갑값갔강갖같개객거건걸검것게겨격겪견결겼경계고곡곧골곳공과관광괴교구국군굳굴궁권궤귀규균그극근글금급기긴길김깊"
    "까깔깝깥깨꺼께꼬꼽꽃꾸뀌뀐끄끈끊끌끔끝끼낌나난날남났낮낳내낸낼냈냐냥너널넓넘넣네넷녀년념녔노녹논놀농높놓누눈뉘뉴늄느는늘"
    "능늦니닉닌닐님닝다닥단달담당대더덕던덜데덴델도독돈돌돕동되된될두둔둘둥뒤듀드득든듣들듬듯등디딕따딱딸땅때떠떨또똑뛰뜻띄띠"
    "띤라락란람랐랑래랙랜램랫랭략량러런럴럼럽렀렇레렉렌려력련렬렵렸령례로록론롭롯료루룬룰룹류륙률르른를름리릭린릴림립링마막만"
    "많맏말맛망맞맡매맥맨맹맺머먹먼멀멍메멕멘멤며면멸명몇모목몬몰몸못몽묘무묶문묻물뮤므미믹민믿밀밑바박밖반받발밝밤방배백밴버"
    "번벌범법벗베벡벤벨벼벽변별병보복본볼봄봉부북분불붙뷔뷰브븐블비빅빈빌빛빠빨빼뻗뽑뿌뿐사산살삶삼상새색생샤서석섞선설섬섭섯"
    "섰성세센셀션셜소속손솔송쇄쇼수숙순술숨숫숲쉽슈스슨슬습슷승시식신실심십싱싸싼쌍쌓써썼쑤쓰쓴씨씩아악안않알암압앗았앙앞애액"
    "앤앨야약얀양어억언얻얼엄업없엇었에엑엔엘여역연열염였영옆예옛오옥온올옮옹와완왔왕왜외왼요욕용우욱운울움웃워원월웠웨위윈유"
    "육율융으은을음응의이익인일읽잃임입잇있잉잎자작잔잘잠잡장재잭쟁저적전절점접정제젝젠젤져졌조족존졸좀종좋좌죄주죽준줄중즈즉"
    "즌즐즘증지직진질집짓징짜짧째쪽찍차착찬찰참창찾채책챔처천철첫청체쳐쳤초촌총촬최추축춘출충취츠측층치칙친칠침칭카칸칼캐커컨"
    "컫컬컴컵컷케켓켜켰코콘콜콩쿄쿠큐크클큼키킨킬킹타탁탄탈탑탕태택터턴털테텍텐텔템토톨톱통퇴투튜트특틀틈티틴팀팅파판팔패팬퍼"
    "페펜펠편펼평폐포폭폴폼표푸풀품풍퓨프플피픽핀필하학한할함합항해핵했행향허헌험헝헤헨헬혀혁현혐협혔형호혹혼홀홈홍화확환활황"
    "회획효후훈휘휴흐흑흔흡흥희흰히힌힘"
)
