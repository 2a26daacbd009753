"""The technology sheets of the demo library: what a hub in Mali hands to small enterprises, in French.

`hub.datagen` writes them into each Mali hub it fills. Each sheet names the TOPICS of `hub.datagen` it
answers (the cases and visits it can be shared in) and the partner organisations it points to, by
name. Bodies use the marks of `hub.library.formatting`: "## " headings, "- " bullets, "1. " steps,
**bold** and links, one paragraph per line. Costs are indicative, in CFA francs (XOF), as a referent
would give them to an entrepreneur before any quote.
"""

from dataclasses import dataclass

from hub.classifications import TechnologyDomain
from hub.models import TechnologySheet

D = TechnologyDomain
Status = TechnologySheet.Status

IER = "Institut d'Économie Rurale (IER)"
IER_LAB = "Laboratoire de Technologie Alimentaire de l'IER"
CNRST = "Centre National de la Recherche Scientifique et Technologique (CNRST)"
AER = "Agence des Énergies Renouvelables du Mali (AER-Mali)"
AMANORM = "Agence Malienne de Normalisation et de Promotion de la Qualité (AMANORM)"
CFP = "Centre de Formation Professionnelle de Missabougou"
FGSP = "Fonds de Garantie pour le Secteur Privé (FGSP)"
KAFO = "Kafo Jiginew"
SAHEL_SOLAIRE = "Sahel Solaire Équipements SARL"
DJOLIBA = "Atelier Mécanique du Djoliba"
ANSSA = "Agence Nationale de la Sécurité Sanitaire des Aliments (ANSSA)"
CNREX = "Centre National de Recherche et d'Expérimentation en Bâtiment et Travaux Publics (CNREX-BTP)"
LCV = "Laboratoire Central Vétérinaire (LCV)"
FROID = "Froid Solaire du Mandé SARL"
EMBALLAGES = "Emballages Modernes du Sahel SARL"


@dataclass(frozen=True, kw_only=True)
class SheetText:
    key: str
    title: str
    domain: str
    sectors: tuple[str, ...]
    """ISIC section codes."""
    summary: str
    body: str
    cost_min_xof: int | None
    cost_max_xof: int | None
    equipment: str
    topics: tuple[str, ...]
    """Keys of `hub.datagen.TOPICS` the sheet answers."""
    partners: tuple[str, ...]
    """Names of partner organisations of `hub.datagen.PARTNERS` or `LIBRARY_PARTNERS`."""
    status: str = Status.PUBLISHED


Block = str | tuple[str, ...]


def _steps(*items: str) -> str:
    return "\n".join(f"{number}. {item}" for number, item in enumerate(items, start=1))


def _bullets(*items: str) -> str:
    return "\n".join(f"- {item}" for item in items)


def _body(*, principle: Block, work: Block, care: Block, costs: Block) -> str:
    """The four sections every sheet has, blocks separated by an empty line."""
    parts = []
    for heading, blocks in (
        ("Principe", principle),
        ("Mise en œuvre", work),
        ("Points de vigilance", care),
        ("Coûts indicatifs", costs),
    ):
        parts.append(f"## {heading}")
        parts.extend([blocks] if isinstance(blocks, str) else blocks)
    return "\n\n".join(parts)


SHEETS = [
    SheetText(
        key="mango_drying",
        title="Séchage solaire des mangues et des fruits",
        domain=D.AGRO_PROCESSING,
        sectors=("A", "C"),
        summary="Le séchage protégé transforme les mangues invendues en un produit stable qui se vend toute "
        "l'année, y compris à l'export. Cette fiche compare les séchoirs solaires et hybrides, décrit la "
        "préparation des tranches et les contrôles qui évitent les moisissures.",
        body=_body(
            principle="Le séchage retire l'eau du fruit jusqu'à un niveau où les moisissures et les levures ne se "
            "développent plus. Dans un séchoir solaire, l'air est chauffé dans un capteur puis traverse les claies "
            "chargées de fruits, à l'abri de la poussière, des insectes et de la pluie. Un séchoir hybride ajoute "
            "un brûleur à gaz qui prend le relais la nuit et par temps couvert : la qualité devient régulière et "
            "le séchage plus rapide, ce qu'exigent les acheteurs à l'export.",
            work=_steps(
                "Trier des mangues mûres mais fermes (Amélie, Kent, Keitt), les laver à l'eau potable et les éplucher.",
                "Couper des tranches régulières de 6 à 8 mm ; des tranches trop épaisses sèchent mal au cœur.",
                "Disposer les tranches en une seule couche sur des claies en grillage alimentaire, sans chevauchement.",
                "Sécher entre 55 et 65 °C ; permuter les claies à mi-séchage.",
                "Arrêter quand les tranches sont souples mais ne collent plus (environ 15 % d'humidité) ; compter "
                "8 à 12 kg de fruits frais pour 1 kg de mangue séchée.",
                "Laisser refroidir à l'abri, puis emballer le jour même dans des sachets étanches scellés.",
            ),
            care=_bullets(
                "**Hygiène** : lave-mains, tenues propres, couteaux en inox, plans de travail lavables.",
                "Ne jamais sécher au sol ni à l'air libre : poussière et insectes font refuser les lots.",
                "Noter pour chaque lot la date, le poids frais, le poids sec et le numéro de lot.",
                "Un séchoir mal ventilé « cuit » les fruits : vérifier la circulation de l'air et la température "
                "avec un thermomètre.",
                "Stocker les sachets au frais et au sec, à l'abri de la lumière.",
            ),
            costs=(
                "Un séchoir armoire solaire de 20 à 40 kg de fruits frais par cycle, fabriqué localement, coûte "
                "entre 150 000 et 600 000 F CFA. Un séchoir hybride solaire-gaz de 300 à 500 kg par cycle demande "
                "de 1,5 à 3,5 millions de F CFA, hors consommation de gaz. Ajouter une scelleuse (75 000 à "
                "200 000 F CFA) et un hygromètre.",
                "Publications de la FAO sur la transformation des fruits : [www.fao.org](https://www.fao.org).",
            ),
        ),
        cost_min_xof=150_000,
        cost_max_xof=3_500_000,
        equipment="Séchoirs armoires ou tunnels solaires : menuisiers métalliques et fabricants locaux à Bamako et "
        "à Sikasso. Séchoirs hybrides solaire-gaz : ateliers de construction métallique spécialisés à Bamako. "
        "Claies en grillage alimentaire, couteaux en inox, balance, thermomètre et scelleuse : fournisseurs de "
        "matériel agroalimentaire de Bamako.",
        topics=("mango_drying",),
        partners=(DJOLIBA, IER_LAB),
    ),
    SheetText(
        key="shea_butter",
        title="Production améliorée de beurre de karité",
        domain=D.AGRO_PROCESSING,
        sectors=("C",),
        summary="Des amandes bien séchées, une torréfaction maîtrisée et un barattage mécanisé augmentent le "
        "rendement en beurre et réduisent la pénibilité du travail des groupements de femmes. La fiche reprend "
        "les étapes clés et les contrôles de qualité demandés par les acheteurs.",
        body=_body(
            principle="Le beurre de karité est extrait des amandes par concassage, torréfaction, mouture puis "
            "barattage de la pâte avec de l'eau : la matière grasse se sépare sous forme d'émulsion, qui est lavée "
            "puis clarifiée par cuisson. Les pertes viennent surtout d'amandes mal séchées ou moisies, d'une "
            "torréfaction irrégulière et d'un barattage incomplet. La mécanisation du concassage, de la mouture et "
            "du barattage permet de traiter davantage d'amandes avec moins d'efforts ; avec un procédé maîtrisé, "
            "le rendement peut passer d'environ 30 % à plus de 35 % du poids des amandes.",
            work=_steps(
                "Sécher les amandes jusqu'à moins de 7 % d'humidité et écarter les amandes noires, moisies ou germées.",
                "Concasser en morceaux réguliers, puis torréfier à feu modéré dans un torréfacteur à tambour ou sur "
                "un foyer amélioré, en remuant sans arrêt.",
                "Moudre finement la pâte au moulin ; une pâte fine se baratte mieux.",
                "Baratter avec une baratte motorisée en ajoutant l'eau petit à petit jusqu'à la formation de "
                "l'émulsion blanche.",
                "Laver l'émulsion plusieurs fois à l'eau propre, puis la cuire doucement jusqu'à ce que l'eau soit "
                "évaporée et que le beurre soit limpide.",
                "Filtrer à chaud à travers un tissu fin, laisser refroidir et conditionner dans des seaux ou des "
                "pots fermés.",
            ),
            care=_bullets(
                "Ne pas fumer les amandes au feu de bois : la fumée laisse des résidus indésirables et fait baisser "
                "le prix.",
                "Une torréfaction trop forte fonce le beurre et lui donne un goût de brûlé.",
                "Utiliser de l'eau potable pour le barattage et le lavage.",
                "Former au moins deux opératrices à l'entretien de la baratte (graissage, nettoyage après chaque "
                "usage).",
                "Tenir un registre des lots : poids d'amandes, poids de beurre, date et acheteur.",
            ),
            costs="Une baratte motorisée de fabrication locale coûte de 800 000 à 2 000 000 F CFA selon la "
            "capacité ; un ensemble concasseur, torréfacteur et moulin peut atteindre 4 millions de F CFA. Les "
            "groupements financent souvent l'équipement par un crédit de campagne auprès d'une institution de "
            "microfinance.",
        ),
        cost_min_xof=500_000,
        cost_max_xof=4_000_000,
        equipment="Barattes motorisées, concasseurs et torréfacteurs à tambour : ateliers de construction métallique "
        "à Bamako, Koutiala et Sikasso. Moulins : fabricants et revendeurs locaux. Humidimètre à grains, "
        "thermomètre et seaux alimentaires : fournisseurs de matériel agroalimentaire.",
        topics=("shea_press",),
        partners=(DJOLIBA, KAFO),
    ),
    SheetText(
        key="improved_stoves",
        title="Foyers améliorés pour les unités de transformation",
        domain=D.ENERGY,
        sectors=("C", "I"),
        summary="Un foyer amélioré concentre la chaleur sous la marmite et consomme de 30 à 50 % de bois en moins "
        "qu'un foyer trois pierres. Pour les étuveuses, les transformatrices de karité, les restaurants et les "
        "boulangeries, c'est l'un des investissements les plus vite rentabilisés.",
        body=_body(
            principle="Sur un foyer trois pierres, l'essentiel de la chaleur se perd autour de la marmite. Un foyer "
            "amélioré enferme le feu dans une chambre de combustion isolée, guide les flammes et les gaz chauds le "
            "long de la marmite et règle l'arrivée d'air. La combustion est plus complète : moins de bois, moins de "
            "fumée et une cuisson plus régulière. Pour les grandes marmites, il existe des foyers métalliques fixes "
            "et des foyers maçonnés en banco ou en briques, équipés d'une cheminée.",
            work=_steps(
                "Mesurer la consommation actuelle de bois pendant une semaine (nombre de fagots ou de stères, prix "
                "payé).",
                "Choisir un foyer adapté au diamètre des marmites utilisées ; la marmite doit s'emboîter sans "
                "laisser d'espace.",
                "Installer les foyers sous un abri ventilé et prévoir une cheminée qui évacue la fumée hors de "
                "l'espace de travail.",
                "Utiliser du bois sec, fendu en petits morceaux, et ne pas surcharger le foyer.",
                "Relever à nouveau la consommation de bois le mois suivant pour mesurer l'économie.",
            ),
            care=_bullets(
                "Un foyer mal dimensionné peut consommer autant qu'un foyer traditionnel : faire un essai avant "
                "l'achat groupé.",
                "Vérifier l'état de l'isolant et des grilles tous les trois mois et remplacer les pièces brûlées.",
                "Garder un seau de sable ou un extincteur à proximité.",
                "Le réchaud à gaz butane est une alternative pour les petites cuissons, avec des règles de sécurité "
                "strictes (tuyau en bon état, détendeur, aération).",
            ),
            costs="Un foyer amélioré domestique coûte de 5 000 à 15 000 F CFA. Un foyer professionnel pour marmite "
            "de 100 à 200 litres, métallique ou maçonné avec cheminée, coûte de 50 000 à 250 000 F CFA. L'économie "
            "de bois rembourse en général l'achat en quelques mois.",
        ),
        cost_min_xof=5_000,
        cost_max_xof=250_000,
        equipment="Foyers améliorés métalliques : artisans forgerons et soudeurs formés, à Bamako et dans les "
        "capitales régionales. Foyers maçonnés : maçons formés à leur construction. Réchauds et bouteilles de gaz "
        "butane : distributeurs agréés.",
        topics=("improved_stoves",),
        partners=(AER, CNRST),
    ),
    SheetText(
        key="milk_pasteurisation",
        title="Pasteurisation du lait à petite échelle",
        domain=D.AGRO_PROCESSING,
        sectors=("A", "C"),
        summary="La pasteurisation détruit les microbes dangereux du lait cru et allonge sa durée de vente. Cette "
        "fiche décrit le matériel d'une mini-laiterie, les couples temps-température à respecter et les règles "
        "d'hygiène de la traite à la vente.",
        body=_body(
            principle="Chauffer le lait à une température donnée pendant un temps donné détruit les germes "
            "pathogènes (brucellose, tuberculose, salmonelles) et la plupart des germes d'altération, sans beaucoup "
            "changer son goût. Deux couples sont courants : **63 °C pendant 30 minutes** (pasteurisation lente, "
            "adaptée aux petits volumes au bain-marie) ou **72 °C pendant 15 secondes** (pasteurisation rapide, "
            "qui demande un équipement spécialisé). Le lait doit ensuite être refroidi rapidement, sans quoi les "
            "germes restants se multiplient.",
            work=_steps(
                "Collecter le lait dans des bidons en aluminium ou en inox, dans les deux heures qui suivent la "
                "traite.",
                "Contrôler chaque bidon à la réception : odeur, test à l'alcool, densité au lactodensimètre ; "
                "refuser le lait douteux.",
                "Filtrer le lait sur un tamis propre, puis le chauffer au bain-marie en remuant, thermomètre en main.",
                "Maintenir 63 °C pendant 30 minutes, puis refroidir dans un bac d'eau froide jusqu'à moins de 10 °C.",
                "Conditionner dans des sachets ou des bouteilles propres, étiqueter (date, lot) et garder au froid.",
            ),
            care=_bullets(
                "Le thermomètre est indispensable : « chaud au toucher » ne veut pas dire pasteurisé.",
                "Laver et désinfecter le matériel après chaque usage ; ne pas réutiliser les bidons en plastique.",
                "Les animaux des éleveurs fournisseurs doivent être suivis par un vétérinaire.",
                "Le lait pasteurisé ne se garde que quelques jours au froid ; sans chaîne du froid, le vendre le "
                "jour même.",
                "Le lait caillé et le yaourt se font à partir de lait pasteurisé, avec des ferments propres.",
            ),
            costs="Un kit de démarrage (marmite à double fond, thermomètres, bidons en aluminium, tamis, "
            "lactodensimètre) coûte de 300 000 à 600 000 F CFA. Un pasteurisateur de 100 litres au bain-marie de "
            "fabrication locale demande de 1,5 à 3 millions de F CFA, un modèle importé davantage ; prévoir aussi "
            "un congélateur ou une place en chambre froide.",
        ),
        cost_min_xof=300_000,
        cost_max_xof=4_500_000,
        equipment="Bidons en aluminium, tamis, thermomètres et lactodensimètres : fournisseurs de matériel d'élevage "
        "et de laiterie à Bamako. Pasteurisateurs au bain-marie : ateliers de chaudronnerie inox de Bamako ou "
        "importateurs de matériel laitier. Sachets et scelleuse : fournisseurs d'emballages.",
        topics=("milk_pasteurisation",),
        partners=(LCV, IER_LAB),
    ),
    SheetText(
        key="welding_safety",
        title="Sécurité au poste de soudure à l'arc",
        domain=D.MECHANICS,
        sectors=("C", "G"),
        summary="Les brûlures des yeux, les chocs électriques et les incendies sont les accidents les plus "
        "fréquents dans les ateliers de soudure. Quelques équipements peu coûteux et une installation électrique "
        "aux normes suffisent à les éviter.",
        body=_body(
            principle="L'arc électrique émet un rayonnement ultraviolet et infrarouge intense qui brûle les yeux "
            "(« coup d'arc ») et la peau, même de loin et en quelques secondes. Les fumées de soudage, surtout sur "
            "l'acier galvanisé ou peint, sont toxiques. Enfin, un poste à souder appelle un courant élevé : avec des "
            "câbles abîmés et sans mise à la terre, le risque de choc électrique et d'incendie est réel. La sécurité "
            "repose sur trois piliers : protéger les personnes, protéger l'installation, organiser l'atelier.",
            work=_bullets(
                "Équiper chaque soudeur d'un masque à filtre adapté (teinte 10 à 13 selon l'intensité), de gants en "
                "cuir à manchette, d'un tablier en cuir et de chaussures fermées.",
                "Protéger les apprentis et les voisins par des écrans ou des rideaux de soudage ; personne ne "
                "regarde l'arc sans protection.",
                "Faire refaire le tableau électrique par un électricien qualifié : mise à la terre, disjoncteur par "
                "poste, disjoncteur différentiel sur les prises.",
                "Utiliser des câbles de section adaptée, sans épissures, rangés hors des passages ; fixer la pince "
                "de masse près de la pièce.",
                "Souder dans un espace ventilé, ou avec un ventilateur qui éloigne les fumées du visage.",
                "Éloigner les produits inflammables (bois, chiffons, carburant) et garder un extincteur à poudre "
                "près des postes.",
            ),
            care=_bullets(
                "Ne jamais souder un fût ou un réservoir ayant contenu du carburant sans l'avoir dégazé et rempli "
                "d'eau.",
                "Ne pas faire fonctionner tous les postes en même temps si l'abonnement électrique ne le permet "
                "pas ; demander un bilan à l'électricien.",
                "Afficher les consignes de sécurité et les rappeler à chaque nouvel apprenti.",
                "En cas de coup d'arc, consulter un centre de santé : l'automédication aggrave souvent les lésions.",
            ),
            costs=(
                "Un équipement individuel complet (masque, gants, tablier, chaussures) revient à 25 000 à "
                "75 000 F CFA par soudeur. La remise aux normes du tableau électrique et du câblage coûte de "
                "150 000 à 500 000 F CFA selon la taille de l'atelier. Un extincteur à poudre de 6 kg coûte "
                "environ 30 000 à 50 000 F CFA.",
                "Ressources de l'Organisation internationale du travail sur la sécurité au travail : "
                "[www.ilo.org](https://www.ilo.org).",
            ),
        ),
        cost_min_xof=25_000,
        cost_max_xof=600_000,
        equipment="Masques, gants, tabliers, écrans de soudage et extincteurs : quincailleries et fournisseurs "
        "d'équipements de protection individuelle de Bamako. Câbles, disjoncteurs et tableaux : fournisseurs de "
        "matériel électrique, pose par un électricien qualifié.",
        topics=("welding_safety",),
        partners=(CFP,),
    ),
    SheetText(
        key="cereal_mill",
        title="Moulin à céréales : choisir entre meules et marteaux",
        domain=D.MECHANICS,
        sectors=("C",),
        summary="Le type de moulin et sa motorisation pèsent lourd sur les coûts d'une unité de mouture. Cette "
        "fiche compare moulins à meules et à marteaux, moteurs diesel et électriques, et donne les règles "
        "d'entretien qui limitent l'usure et la consommation.",
        body=_body(
            principle="Le moulin à meules écrase le grain entre deux disques en pierre ou en acier : il convient au "
            "mil, au sorgho et au maïs, ainsi qu'aux moutures humides comme la pâte d'arachide. Le moulin à marteaux "
            "broie le grain sec avec des marteaux qui tournent à grande vitesse ; la finesse de la farine dépend de "
            "la grille. Il produit davantage et s'use moins vite, mais exige un grain bien sec et un moteur "
            "puissant. La motorisation électrique coûte moins cher à l'usage que le diesel lorsque le réseau est "
            "disponible et stable.",
            work=_steps(
                "Relever pendant un mois les quantités moulues, les litres de gasoil, les heures de marche et les "
                "pannes.",
                "Comparer le coût par kilo moulu en diesel et en électricité, raccordement et abonnement compris.",
                "À court terme, réviser le moteur diesel (injecteur, filtres, courroies) et faire rhabiller ou "
                "remplacer les meules usées.",
                "Pour un moulin à marteaux, choisir les grilles selon les farines vendues et retourner les marteaux "
                "dès qu'ils s'arrondissent.",
                "Installer un cyclone ou une manche de dépoussiérage et un couvercle sur la trémie.",
            ),
            care=_bullets(
                "Nettoyer le grain avant la mouture : les cailloux usent les meules et cassent les marteaux.",
                "Des courroies mal tendues font perdre de la puissance et du carburant.",
                "Protéger courroies et poulies par un carter : les accidents de vêtements happés sont graves.",
                "La poussière de farine est irritante et inflammable : masque pour l'opérateur, aucune flamme près "
                "du moulin.",
                "Vérifier que le compteur et le câblage supportent la puissance du moteur électrique avant l'achat.",
            ),
            costs="La révision d'un moteur diesel et le remplacement des meules coûtent de 150 000 à 400 000 F CFA. "
            "Un moulin à marteaux avec moteur électrique de 7,5 à 15 kW, de fabrication locale ou importé, coûte de "
            "1,2 à 3,5 millions de F CFA hors raccordement.",
        ),
        cost_min_xof=150_000,
        cost_max_xof=3_500_000,
        equipment="Moulins à meules et à marteaux, meules, marteaux et grilles de rechange : fabricants locaux à "
        "Bamako et revendeurs de matériel agricole. Moteurs diesel et électriques : revendeurs agréés. Révision "
        "des moteurs : mécaniciens spécialisés.",
        topics=("cereal_mill",),
        partners=(DJOLIBA, KAFO),
    ),
    SheetText(
        key="solar_pump",
        title="Pompage solaire pour l'irrigation maraîchère",
        domain=D.WATER,
        sectors=("A",),
        summary="Une pompe solaire bien dimensionnée supprime les dépenses de carburant de la motopompe et les "
        "pannes qui vont avec. La fiche explique comment mesurer le puits, estimer les besoins en eau et choisir "
        "entre pompe de surface et pompe immergée.",
        body=_body(
            principle="Des panneaux photovoltaïques alimentent directement une pompe pendant les heures "
            "d'ensoleillement. Plutôt que de stocker l'électricité dans des batteries coûteuses, on stocke l'eau "
            "dans un bassin ou un réservoir surélevé, d'où elle est distribuée par gravité. Au Mali, l'ensoleillement "
            "est fort presque toute l'année, ce qui rend le pompage solaire très compétitif face à l'essence ou au "
            "gasoil. La puissance nécessaire dépend du volume d'eau journalier et de la hauteur totale de "
            "refoulement : profondeur de l'eau, hauteur du réservoir et pertes dans les tuyaux.",
            work=_steps(
                "Mesurer le niveau de l'eau en fin de saison sèche et le débit du puits ou du forage par un essai "
                "de pompage.",
                "Estimer le besoin journalier en eau selon les cultures, les surfaces et la saison chaude (1 mm "
                "d'eau sur un hectare représente 10 m³).",
                "Choisir une pompe de surface si l'eau est à moins de 7 mètres environ, une pompe immergée au-delà.",
                "Faire dimensionner panneaux, pompe et bassin par un installateur, avec au moins deux devis "
                "comparables.",
                "Équiper une parcelle pilote en goutte-à-goutte pour réduire les besoins en eau et en puissance.",
            ),
            care=_bullets(
                "Ne pas pomper plus que ce que le puits fournit : une pompe qui tourne à sec est détruite.",
                "Fixer solidement les panneaux, les orienter plein sud et les nettoyer régulièrement.",
                "Prévoir une clôture ou un gardiennage contre le vol des panneaux.",
                "Exiger une garantie écrite et un service après-vente dans la région.",
            ),
            costs="Un kit de pompe de surface pour un petit jardin coûte de 400 000 à 1 500 000 F CFA. Une "
            "installation avec pompe immergée, 1 à 2 kWc de panneaux et un bassin de 10 m³ coûte de 2,5 à "
            "6 millions de F CFA. Des institutions de microfinance proposent des crédits adaptés, remboursés sur "
            "les économies de carburant.",
        ),
        cost_min_xof=400_000,
        cost_max_xof=6_000_000,
        equipment="Pompes solaires de surface et immergées, panneaux et contrôleurs : fournisseurs de matériel "
        "solaire agréés à Bamako et dans les capitales régionales. Kits de goutte-à-goutte : revendeurs de "
        "matériel d'irrigation. Bassins : maçons locaux.",
        topics=("solar_pump",),
        partners=(SAHEL_SOLAIRE, KAFO),
    ),
    SheetText(
        key="ftt_oven",
        title="Four de fumage FTT-Thiaroye pour le poisson",
        domain=D.ENERGY,
        sectors=("A", "C"),
        summary="Le four FTT-Thiaroye, mis au point par la FAO avec le centre de formation des pêches de Thiaroye "
        "au Sénégal, fume le poisson avec moins de bois et beaucoup moins de fumée que les fours traditionnels. "
        "Le poisson obtenu est plus sain, mieux présenté et se conserve plus longtemps.",
        body=_body(
            principle="Dans un four traditionnel, la graisse du poisson tombe sur les braises et produit une fumée "
            "riche en hydrocarbures aromatiques polycycliques (HAP), nocifs pour la santé des consommateurs et des "
            "fumeuses. Le four FTT sépare le foyer des claies et recueille la graisse dans un bac collecteur ; le "
            "poisson est cuit puis fumé par la chaleur et une fumée mieux contrôlée. Les claies superposées et "
            "mobiles permettent de traiter de grandes quantités et de terminer par un séchage à chaleur douce.",
            work=_steps(
                "Construire un four pilote avec un maçon formé au modèle FTT, sous un abri ventilé.",
                "Préparer le poisson : écailler ou éviscérer selon l'espèce, laver à l'eau propre, égoutter.",
                "Précuire à chaleur vive, puis fumer en déplaçant les claies selon la cuisson.",
                "Terminer par un séchage à feu doux jusqu'au degré de sèchement demandé par le marché.",
                "Laisser refroidir puis emballer dans des cartons ou des paniers propres, à l'abri des insectes.",
            ),
            care=_bullets(
                "Vider et nettoyer le bac à graisse après chaque fumage.",
                "Utiliser du bois sec ou du charbon ; ne jamais brûler de plastiques ni de pneus.",
                "Former toutes les fumeuses à la conduite du feu : le four est plus rapide et un feu trop fort brûle "
                "le poisson.",
                "Stocker le poisson fumé au sec ; un poisson insuffisamment séché moisit en quelques jours.",
            ),
            costs=(
                "Un four FTT construit localement coûte de 400 000 à 1 800 000 F CFA selon la taille et le nombre "
                "de claies, grilles en acier inoxydable comprises. Les économies de bois et la meilleure valeur du "
                "poisson peuvent rembourser l'investissement en une ou deux saisons pour un groupement actif.",
                "Présentation de la technique FTT par la FAO : [www.fao.org](https://www.fao.org).",
            ),
        ),
        cost_min_xof=400_000,
        cost_max_xof=1_800_000,
        equipment="Four maçonné et claies en acier inoxydable : maçons formés au modèle FTT et soudeurs locaux, à "
        "Mopti, Ségou et Bamako. Thermomètre, bacs et caisses : quincailleries et fournisseurs de matériel "
        "agroalimentaire.",
        topics=("fish_smoking_oven",),
        partners=(CNRST, AER),
    ),
    SheetText(
        key="rice_parboiling",
        title="Étuvage amélioré du riz paddy",
        domain=D.AGRO_PROCESSING,
        sectors=("C",),
        summary="L'étuvage à la vapeur, suivi d'un séchage à l'ombre, donne un riz plus ferme, moins de brisures au "
        "décorticage et un meilleur prix de vente. Le kit d'étuvage amélioré remplace l'étuvage en marmite, qui "
        "laisse des impuretés et cuit mal le grain.",
        body=_body(
            principle="L'étuvage consiste à tremper le paddy dans l'eau chaude, à le cuire à la vapeur puis à le "
            "sécher avant le décorticage. L'amidon du grain se gélifie et ressoude les fissures : le grain devient "
            "plus dur, casse moins et garde une partie de ses vitamines et de ses minéraux. Dans le kit amélioré, le "
            "paddy repose sur un fond perforé au-dessus de l'eau bouillante : il cuit à la vapeur sans toucher "
            "l'eau, de façon homogène, et se manipule sans pertes.",
            work=_steps(
                "Nettoyer et vanner le paddy : retirer les cailloux, les grains vides et les débris de paille.",
                "Tremper le paddy dans de l'eau chaude, vers 70 °C, pendant quelques heures, puis égoutter.",
                "Étuver à la vapeur dans le kit jusqu'à ce que les balles commencent à s'ouvrir.",
                "Sécher sur des bâches propres ou une aire cimentée, d'abord au soleil puis à l'ombre, jusqu'à "
                "environ 14 % d'humidité.",
                "Laisser reposer un ou deux jours avant le décorticage, puis trier et ensacher.",
            ),
            care=_bullets(
                "Un séchage trop rapide en plein soleil fissure les grains : terminer à l'ombre.",
                "Ne jamais sécher à même le sol : les cailloux et le sable font chuter le prix.",
                "Utiliser des foyers améliorés sous les cuves pour économiser le bois.",
                "Régler la décortiqueuse pour le riz étuvé, plus dur que le riz blanc.",
            ),
            costs=(
                "Un kit d'étuvage amélioré (cuve, fond perforé, couvercle) coûte de 100 000 à 400 000 F CFA selon "
                "la capacité ; un ensemble pour un groupement, avec foyers améliorés, bâches et petit matériel, de "
                "400 000 à 800 000 F CFA.",
                "Travaux d'AfricaRice sur l'étuvage du riz : [www.africarice.org](https://www.africarice.org).",
            ),
        ),
        cost_min_xof=100_000,
        cost_max_xof=800_000,
        equipment="Kits d'étuvage (cuves et fonds perforés) : chaudronniers et soudeurs locaux formés au modèle, à "
        "Ségou, Niono et Bamako. Bâches, vanneuses et trieuses : revendeurs de matériel agricole. Foyers "
        "améliorés : artisans formés.",
        topics=("rice_parboiling",),
        partners=(IER,),
    ),
    SheetText(
        key="groundnut_oil",
        title="Presse à vis et filtration de l'huile d'arachide",
        domain=D.AGRO_PROCESSING,
        sectors=("C",),
        summary="Une presse à vis extrait plus d'huile que le pressage manuel, et un filtre bien utilisé donne une "
        "huile claire qui se conserve plusieurs mois. Le tri des graines reste la première protection contre "
        "les aflatoxines.",
        body=_body(
            principle="Les graines d'arachide décortiquées, éventuellement chauffées, passent dans une presse à vis "
            "qui les comprime et sépare l'huile du tourteau. L'huile brute contient des particules et de l'eau : "
            "elle est décantée puis filtrée. Une huile trouble rancit vite ; une huile claire, stockée au frais et à "
            "l'abri de la lumière, garde sa qualité plus de six mois. Le tourteau se vend pour l'alimentation "
            "animale ou la fabrication de galettes.",
            work=_steps(
                "Trier les graines à la main ou au tamis et écarter toutes les graines moisies, ridées ou décolorées.",
                "Chauffer légèrement les graines si le fabricant de la presse le recommande, sans les griller.",
                "Presser en réglant la presse pour obtenir un tourteau sec et régulier.",
                "Laisser décanter l'huile quelques jours dans des fûts fermés, puis la filtrer au filtre-presse ou "
                "sur tissu filtrant.",
                "Conditionner dans des bouteilles propres, de préférence sombres, bien fermées et étiquetées.",
            ),
            care=_bullets(
                "Les **aflatoxines** produites par les moisissures sont dangereuses ; elles résistent à la chaleur "
                "et se retrouvent dans l'huile brute et surtout dans le tourteau : le tri est obligatoire.",
                "Stocker les graines au sec, dans des sacs propres posés sur des palettes.",
                "Nettoyer régulièrement la presse et les fûts : les résidus d'huile rancissent et gâtent les lots "
                "suivants.",
                "Faire analyser l'huile et les graines par un laboratoire avant de viser les supermarchés.",
            ),
            costs="Une presse à vis de petite capacité (50 à 100 kg de graines par heure) coûte de 1,5 à 5 millions "
            "de F CFA selon l'origine et le moteur. Un filtre-presse coûte de 300 000 à 1 000 000 F CFA ; le "
            "filtrage sur tissu est une solution de départ bon marché.",
        ),
        cost_min_xof=300_000,
        cost_max_xof=6_000_000,
        equipment="Presses à vis et filtres-presses : fabricants locaux à Bamako et importateurs de matériel "
        "agroalimentaire. Fûts alimentaires, bouteilles et bouchons : fournisseurs d'emballages de Bamako. Tissus "
        "filtrants : marchands de tissus.",
        topics=("oil_press",),
        partners=(DJOLIBA, IER_LAB),
    ),
    SheetText(
        key="bissap",
        title="Jus et sirop de bissap : production et conservation",
        domain=D.QUALITY,
        sectors=("C",),
        summary="Pasteurisé en bouteilles neuves, le jus de bissap se conserve plusieurs mois au lieu de quelques "
        "jours. La fiche décrit le procédé, du choix des calices au remplissage à chaud ; elle s'applique aussi "
        "aux jus de gingembre et de baobab, avec quelques précautions.",
        body=_body(
            principle="Le jus de bissap est une infusion de calices séchés d'hibiscus, filtrée et sucrée. "
            "Naturellement acide, il se prête bien à la pasteurisation : un chauffage modéré suffit à détruire les "
            "levures et les moisissures responsables de la fermentation. Le sirop, beaucoup plus sucré, se conserve "
            "encore mieux. Le gingembre et le baobab sont moins acides : on leur ajoute du jus de citron et on "
            "respecte strictement le barème de pasteurisation.",
            work=_steps(
                "Choisir des calices propres, bien secs, sans moisissures ; les trier et les rincer.",
                "Infuser dans de l'eau potable chaude, filtrer sur un tamis fin puis sur un tissu propre.",
                "Sucrer et aromatiser (menthe, vanille) selon la recette fixée, en pesant chaque ingrédient.",
                "Chauffer le jus vers 85 °C, remplir à chaud des bouteilles neuves ou stérilisées et fermer aussitôt.",
                "Pasteuriser les bouteilles fermées au bain-marie selon le barème établi avec le laboratoire, puis "
                "refroidir progressivement.",
                "Étiqueter avec le numéro de lot et la date limite de consommation.",
            ),
            care=_bullets(
                "Ne pas réutiliser les bouteilles d'eau minérale ou de boissons : elles se lavent mal et ne "
                "supportent pas la chaleur.",
                "Noter pour chaque lot la température et la durée de pasteurisation.",
                "Faire valider la durée de conservation par des analyses avant de l'annoncer sur l'étiquette.",
                "Conserver à l'abri du soleil : la couleur rouge du bissap pâlit à la lumière.",
            ),
            costs="Le petit matériel (marmites en inox, thermomètre, tamis, entonnoirs, balance) coûte de 150 000 à "
            "300 000 F CFA. Une petite ligne avec cuve de pasteurisation, remplisseuse manuelle et capsuleuse "
            "demande de 600 000 à 1 200 000 F CFA, hors bouteilles.",
        ),
        cost_min_xof=150_000,
        cost_max_xof=1_200_000,
        equipment="Marmites en inox, thermomètres et tamis : quincailleries et fournisseurs de matériel de cuisine "
        "professionnelle à Bamako. Bouteilles neuves, capsules et capsuleuses : fournisseurs d'emballages. Calices "
        "de bissap : coopératives de productrices et marchés de gros.",
        topics=("juice_preservation",),
        partners=(IER_LAB, EMBALLAGES),
    ),
    SheetText(
        key="honey",
        title="Récolte et conditionnement du miel",
        domain=D.AGRO_PROCESSING,
        sectors=("A", "C"),
        summary="Une récolte qui préserve les colonies, une extraction propre et un conditionnement en pots "
        "étiquetés permettent de vendre un miel de qualité à meilleur prix. La ruche kenyane à barrettes est bien "
        "adaptée aux apiculteurs du Mali.",
        body=_body(
            principle="Dans la ruche kenyane, les abeilles construisent leurs rayons sous des barrettes amovibles : "
            "l'apiculteur prélève seulement les rayons de miel mûr, sans détruire le couvain ni brûler la colonie "
            "comme dans la récolte traditionnelle. Le miel est extrait par pressage ou par centrifugation, filtré, "
            "puis laissé au repos pour que les impuretés et les bulles remontent. Un miel mûr contient moins de "
            "20 % d'eau et se conserve longtemps.",
            work=_steps(
                "Installer les ruches à l'ombre, loin des habitations et des cultures traitées, près d'un point d'eau.",
                "Récolter le soir ou tôt le matin, avec un enfumoir, une combinaison, des gants et un voile.",
                "Ne prélever que les rayons operculés (fermés par les abeilles) et laisser assez de réserves à la "
                "colonie.",
                "Extraire dans un local propre, fermé aux abeilles : pressoir ou extracteur, tamis fin, seaux "
                "alimentaires.",
                "Laisser reposer le miel quelques jours dans un maturateur, écumer, puis mettre en pots de verre ou "
                "de plastique alimentaire.",
                "Étiqueter : nom du produit, poids net, origine, date, numéro de lot, nom et adresse du producteur.",
            ),
            care=_bullets(
                "Ne jamais ajouter d'eau ni de sucre : c'est une fraude qui fait perdre les clients.",
                "Le miel absorbe l'humidité de l'air : fermer les récipients hermétiquement.",
                "Ne pas chauffer le miel pour le liquéfier : la chaleur altère ses qualités.",
                "Éviter les fûts métalliques non alimentaires, qui donnent un goût au miel et le contaminent.",
            ),
            costs="Une ruche kenyane de fabrication locale coûte de 25 000 à 50 000 F CFA. L'équipement de récolte "
            "(enfumoir, combinaison, gants, couteau) revient à 50 000 à 150 000 F CFA, et un extracteur avec "
            "maturateur à 250 000 à 600 000 F CFA. Un groupement peut mutualiser le local et le matériel "
            "d'extraction.",
        ),
        cost_min_xof=25_000,
        cost_max_xof=800_000,
        equipment="Ruches kenyanes : menuisiers locaux formés. Enfumoirs, combinaisons, extracteurs et "
        "maturateurs : fournisseurs de matériel apicole à Bamako ou importateurs. Pots et étiquettes : "
        "fournisseurs d'emballages.",
        topics=(),
        partners=(IER, EMBALLAGES),
    ),
    SheetText(
        key="soap",
        title="Fabrication de savon au beurre de karité",
        domain=D.CHEMISTRY,
        sectors=("C",),
        summary="Un savon qui ne se fissure pas et ne blanchit pas repose sur une formule calculée, des pesées "
        "exactes et une cure suffisante. Cette fiche décrit la saponification à froid et les précautions "
        "indispensables avec la soude caustique.",
        body=_body(
            principle="Le savon résulte de la réaction entre des corps gras (beurre de karité, huiles de palme, de "
            "coco ou d'arachide) et une solution de soude caustique : c'est la saponification. Chaque corps gras "
            "demande une quantité précise de soude, donnée par son indice de saponification. On garde volontairement "
            "un léger excès de corps gras, le surgras, de 5 à 8 % pour un savon doux. Trop de soude rend le savon "
            "agressif et cassant ; trop peu le rend mou et sujet au rancissement.",
            work=_steps(
                "Calculer la formule avec l'indice de saponification de chaque corps gras et fixer le surgras.",
                "Peser la soude, l'eau et les corps gras à la balance, jamais au volume.",
                "Verser toujours la soude dans l'eau, jamais l'inverse, dans un récipient en inox ou en plastique "
                "résistant, puis laisser refroidir.",
                "Mélanger la solution de soude et les corps gras fondus vers 40 à 50 °C jusqu'à épaississement (la "
                "« trace »).",
                "Couler en moules, couvrir pour éviter le contact avec l'air, démouler après un à deux jours.",
                "Couper et laisser curer quatre semaines sur des claies ventilées, à l'abri du soleil.",
            ),
            care=_bullets(
                "La soude caustique brûle la peau et les yeux : gants, lunettes, manches longues et un point d'eau à "
                "proximité.",
                "Le dépôt blanc en surface vient souvent du contact avec l'air pendant la prise : couvrir les moules.",
                "Les fissures signalent un excès de soude ou une pâte trop chaude : revoir la formule et la "
                "température.",
                "Tenir un cahier de fabrication : formule, pesées, date et numéro de lot.",
            ),
            costs="Une balance précise au gramme coûte de 15 000 à 50 000 F CFA, les équipements de protection "
            "environ 20 000 F CFA et un jeu de moules et de claies de 30 000 à 150 000 F CFA. Une petite savonnerie "
            "démarre avec 100 000 à 500 000 F CFA d'équipement, hors matières premières.",
        ),
        cost_min_xof=50_000,
        cost_max_xof=500_000,
        equipment="Soude caustique : fournisseurs de produits chimiques de Bamako (exiger la fiche de données de "
        "sécurité). Balances, moules et récipients en inox : quincailleries et fournisseurs de matériel de "
        "laboratoire. Beurre de karité : coopératives de transformatrices.",
        topics=("soap_formulation",),
        partners=(IER_LAB, CNRST),
    ),
    SheetText(
        key="bazin_dyeing",
        title="Teinture du bazin : dosage des colorants et eaux usées",
        domain=D.TEXTILES,
        sectors=("C",),
        summary="Peser les colorants et respecter les temps de fixation donne des couleurs régulières et réduit "
        "d'environ un quart les achats de produits. Un bac de décantation évite de rejeter les eaux de teinture "
        "dans la rue.",
        body=_body(
            principle="La teinture du bazin utilise des colorants de synthèse et des auxiliaires : soude, "
            "hydrosulfite, sel, fixateurs. La couleur finale dépend du poids de tissu, de la quantité de colorant, "
            "de la température, de la durée du bain et du rinçage. Doser « à l'œil » donne des teintes qui varient "
            "d'un lot à l'autre et gaspille les produits. Les eaux de rinçage chargées de colorants et de soude "
            "polluent les sols, les caniveaux et le fleuve ; une simple décantation en retient une partie.",
            work=_steps(
                "Peser le tissu sec et noter le poids de chaque pièce.",
                "Établir une fiche de dosage par couleur : grammes de colorant et d'auxiliaires par kilo de tissu, "
                "volume d'eau, durée et température.",
                "Peser les produits à la balance et dissoudre les colorants à part avant de les verser dans le bain.",
                "Respecter les temps de fixation, puis rincer en plusieurs bains successifs, du plus chargé au plus "
                "propre.",
                "Diriger toutes les eaux usées vers un bac de décantation maçonné et réutiliser les eaux du dernier "
                "rinçage.",
            ),
            care=_bullets(
                "Porter gants, tablier et masque pour manipuler les poudres : certains produits irritent la peau et "
                "les voies respiratoires.",
                "Stocker colorants et hydrosulfite au sec, dans des récipients fermés et étiquetés, hors de portée "
                "des enfants.",
                "Curer régulièrement le bac de décantation et évacuer les boues selon les consignes de la mairie.",
                "Conserver un échantillon de chaque lot pour comparer les couleurs.",
            ),
            costs="Une balance, des bassines en inox et le petit matériel de mesure coûtent de 50 000 à "
            "150 000 F CFA. Un bac de décantation maçonné à deux compartiments revient à 150 000 à 500 000 F CFA "
            "selon la taille. La formation de l'équipe au dosage s'organise avec un centre de formation "
            "professionnelle.",
        ),
        cost_min_xof=50_000,
        cost_max_xof=650_000,
        equipment="Colorants, hydrosulfite et fixateurs : grossistes en produits de teinture du Grand Marché de "
        "Bamako. Balances, bassines en inox et gants : quincailleries. Bac de décantation : maçons locaux.",
        topics=("bazin_dyeing",),
        partners=(CFP,),
    ),
    SheetText(
        key="bogolan_indigo",
        title="Bogolan et indigo : teintures végétales",
        domain=D.TEXTILES,
        sectors=("C",),
        summary="Le bogolan et l'indigo sont des savoir-faire maliens recherchés par les créateurs, les boutiques et "
        "les visiteurs. Des recettes notées, des tissus bien préparés et une bonne fixation donnent des pièces de "
        "qualité régulière, qui se vendent mieux.",
        body=_body(
            principle="Le bogolan se fait sur une toile de coton trempée dans une décoction de feuilles de n'galama, "
            "riches en tanins, qui donne un fond jaune. Les motifs sont peints avec une boue ferrugineuse "
            "fermentée : le fer réagit avec les tanins et noircit le tissu. L'indigo colore par réduction dans une "
            "cuve puis par oxydation à l'air : le tissu sort jaune-vert du bain et bleuit au contact de l'air. Les "
            "couleurs naturelles vieillissent bien, à condition d'être correctement fixées.",
            work=_bullets(
                "Laver la toile de coton pour retirer l'apprêt, sans quoi la teinture prend mal.",
                "Préparer la décoction de feuilles selon une recette notée (poids de feuilles, volume d'eau, durée) "
                "et y tremper la toile.",
                "Laisser fermenter la boue dans des récipients fermés et tester chaque lot sur une chute de tissu.",
                "Pour l'indigo, entretenir la cuve de réduction et multiplier les trempages courts pour obtenir un "
                "bleu profond.",
                "Rincer soigneusement puis sécher à l'ombre : le soleil direct fait virer certaines teintes.",
                "Noter sur une fiche par lot les recettes, les dates et les résultats pour pouvoir reproduire les "
                "couleurs.",
            ),
            care=_bullets(
                "Les produits de réduction de synthèse utilisés pour accélérer l'indigo sont irritants : gants et "
                "aération.",
                "Ne pas vider les cuves dans le caniveau ; décanter les eaux.",
                "N'annoncer « teinture végétale » que si aucun colorant de synthèse n'est utilisé.",
                "Tenir un catalogue daté des motifs et des modèles de l'atelier.",
            ),
            costs="Le démarrage d'un petit atelier (bassines, cuves, pinceaux, tables de travail, séchoirs) demande "
            "de 50 000 à 300 000 F CFA hors tissu. La formation de jeunes artisanes peut être organisée avec un "
            "centre de formation professionnelle.",
        ),
        cost_min_xof=50_000,
        cost_max_xof=300_000,
        equipment="Toile de coton : tisserands et marchés de Ségou, San et Bamako. Feuilles de n'galama et indigo : "
        "marchés locaux et herboristes. Bassines, cuves et gants : quincailleries.",
        topics=("bazin_dyeing",),
        partners=(CFP,),
    ),
    SheetText(
        key="sewing_workshop",
        title="Atelier de couture : machines industrielles et travail en chaîne",
        domain=D.TEXTILES,
        sectors=("C",),
        summary="Pour honorer les grosses commandes, comme les tenues scolaires, un atelier gagne à compléter ses "
        "machines à pédale par quelques machines industrielles et à organiser le travail par postes. La fiche "
        "aide à choisir le matériel et à planifier la production.",
        body=_body(
            principle="Une piqueuse plate industrielle coud bien plus vite qu'une machine à pédale, et une "
            "surjeteuse finit les coutures proprement en un seul passage. Mais la productivité vient surtout de "
            "l'organisation : coupe par lots, assemblage réparti entre des postes spécialisés, contrôle de la "
            "qualité avant le repassage et l'emballage. Un moteur servo, plus économe que le moteur à embrayage, "
            "réduit la consommation d'électricité et le bruit.",
            work=_steps(
                "Décomposer le modèle en opérations (coupe, assemblage, pose du col, boutonnières, ourlets, "
                "finition) et chronométrer chacune.",
                "Calculer le nombre de postes nécessaires pour livrer la commande à temps.",
                "Acheter en priorité une piqueuse et une surjeteuse industrielles avec moteur servo.",
                "Couper par lots de tailles avec des gabarits en carton fort, en superposant plusieurs épaisseurs "
                "de tissu.",
                "Placer les postes dans l'ordre des opérations pour limiter les déplacements, et contrôler chaque "
                "pièce avant l'emballage.",
            ),
            care=_bullets(
                "Faire vérifier l'installation électrique avant de brancher plusieurs machines industrielles.",
                "Prévoir l'huile, les aiguilles et les pièces d'usure, et former une personne à l'entretien courant.",
                "Les délestages arrêtent la production : envisager un onduleur ou un petit kit solaire pour les "
                "machines essentielles.",
                "Protéger les doigts avec les protège-aiguilles et bien éclairer les postes.",
            ),
            costs="Une piqueuse plate industrielle avec moteur servo coûte de 150 000 à 350 000 F CFA et une "
            "surjeteuse de 250 000 à 500 000 F CFA. Une boutonnière, plus chère, ne se justifie qu'avec de gros "
            "volumes. Une commande ferme peut appuyer une demande de crédit d'équipement.",
        ),
        cost_min_xof=150_000,
        cost_max_xof=1_500_000,
        equipment="Machines industrielles, moteurs servo, aiguilles et pièces détachées : revendeurs de machines à "
        "coudre du Grand Marché et de la zone industrielle de Bamako. Tables de coupe et gabarits : menuisiers "
        "locaux.",
        topics=("sewing_workshop",),
        partners=(CFP, KAFO),
    ),
    SheetText(
        key="compressed_earth_blocks",
        title="Briques de terre comprimée stabilisée (BTC)",
        domain=D.CONSTRUCTION,
        sectors=("C", "F"),
        summary="Les briques de terre comprimée, stabilisées avec un peu de ciment, sont solides, économiques et "
        "gardent la fraîcheur pendant la saison chaude. Leur qualité dépend du choix de la terre, du dosage du "
        "ciment, du compactage et surtout de la cure.",
        body=_body(
            principle="La brique de terre comprimée est moulée dans une presse à partir de terre tamisée et "
            "humidifiée, à laquelle on ajoute du ciment : c'est la stabilisation. Le compactage donne à la brique sa "
            "forme régulière et sa densité ; le ciment lui donne sa résistance à l'eau. Les BTC demandent peu "
            "d'énergie, utilisent un matériau local et donnent des murs d'une bonne inertie thermique, appréciée "
            "pendant les fortes chaleurs.",
            work=_steps(
                "Choisir une terre sablo-argileuse, sans matière organique ; faire des essais simples (bocal de "
                "sédimentation, boudin) ou une analyse en laboratoire.",
                "Tamiser la terre et écarter les mottes et les cailloux.",
                "Mélanger à sec la terre et le ciment, en général 6 à 8 % du poids, puis humidifier progressivement "
                "jusqu'à ce qu'une boule serrée dans la main se tienne sans coller.",
                "Remplir le moule régulièrement et comprimer à fond ; régler la presse pour une hauteur de brique "
                "constante.",
                "Empiler les briques à l'ombre et les garder humides sept jours sous bâche, puis les laisser sécher "
                "encore trois semaines avant la pose.",
            ),
            care=_bullets(
                "Une cure au soleil direct fait perdre une grande partie de la résistance : c'est la première cause "
                "de casse au transport.",
                "Mesurer les volumes avec des seaux ou des caisses gradués, jamais à la pelle.",
                "Faire tester quelques briques en laboratoire (résistance à la compression) avant un gros chantier.",
                "Protéger les murs en BTC de la pluie par des débords de toit et un soubassement.",
            ),
            costs="Une presse manuelle coûte de 800 000 à 2 000 000 F CFA, une presse motorisée à partir de "
            "5 millions de F CFA. Avec le tamis, les bâches et le petit matériel, une unité artisanale démarre avec "
            "1 à 2,5 millions de F CFA.",
        ),
        cost_min_xof=800_000,
        cost_max_xof=6_000_000,
        equipment="Presses manuelles et motorisées : fabricants locaux de matériel de construction à Bamako et "
        "importateurs. Tamis, brouettes, seaux gradués et bâches : quincailleries. Ciment : dépôts de matériaux "
        "de construction.",
        topics=("compressed_earth_bricks",),
        partners=(CNREX, CNRST),
    ),
    SheetText(
        key="solar_kit",
        title="Kit solaire pour boutiques et ateliers",
        domain=D.ENERGY,
        sectors=("C", "G", "S"),
        summary="Contre les délestages, un kit solaire avec batteries alimente l'éclairage, les téléphones, "
        "l'ordinateur ou le réfrigérateur d'une boutique, sans bruit ni carburant. Un bilan de puissance sérieux "
        "évite les installations sous-dimensionnées qui lâchent au bout de quelques mois.",
        body=_body(
            principle="Les panneaux photovoltaïques produisent de l'électricité le jour ; un régulateur charge les "
            "batteries et un onduleur fournit du courant alternatif aux appareils. Au Mali, un kilowatt-crête de "
            "panneaux produit en moyenne 4 à 5 kWh par jour. Les batteries au lithium (LiFePO4) coûtent plus cher à "
            "l'achat que les batteries au plomb, mais durent plusieurs fois plus longtemps et supportent des "
            "décharges plus profondes. Le groupe électrogène peut rester en secours.",
            work=_steps(
                "Lister les appareils essentiels avec leur puissance et leurs heures d'utilisation par jour : c'est "
                "le bilan de puissance, en Wh par jour.",
                "Écarter les gros consommateurs (climatiseur, fer à repasser, poste à souder) ou les laisser sur le "
                "réseau et le groupe.",
                "Remplacer les ampoules par des lampes LED et choisir des appareils économes.",
                "Demander à un installateur agréé un dimensionnement écrit : puissance des panneaux, capacité des "
                "batteries, onduleur, protections.",
                "Poser les panneaux sans ombre, orientés plein sud, et les batteries dans un local aéré, à l'abri de "
                "la chaleur.",
            ),
            care=_bullets(
                "Un kit sous-dimensionné vide les batteries chaque nuit et les use en quelques mois.",
                "Exiger disjoncteurs, fusibles et mise à la terre : les courts-circuits en courant continu "
                "provoquent des incendies.",
                "Se méfier des panneaux et des batteries vendus sans fiche technique ni garantie.",
                "Nettoyer les panneaux chaque semaine en saison sèche.",
            ),
            costs="Un petit kit de 300 W avec batterie, pour l'éclairage et la recharge des téléphones, coûte de "
            "250 000 à 600 000 F CFA. Une installation de 3 kWc avec batteries au lithium et onduleur, pour un "
            "atelier ou une boutique bien équipée, coûte de 3 à 6 millions de F CFA, pose comprise. Certains "
            "fournisseurs proposent un paiement échelonné.",
        ),
        cost_min_xof=250_000,
        cost_max_xof=6_000_000,
        equipment="Panneaux, batteries, régulateurs et onduleurs : fournisseurs de matériel solaire agréés à Bamako "
        "et dans les capitales régionales. Lampes LED et protections électriques : quincailleries et magasins de "
        "matériel électrique.",
        topics=("solar_backup",),
        partners=(SAHEL_SOLAIRE, AER),
    ),
    SheetText(
        key="cold_storage",
        title="Chambre froide solaire et conservation au froid",
        domain=D.ENERGY,
        sectors=("A", "C", "G"),
        summary="Le froid réduit fortement les pertes de lait, de poisson, de viande, de fruits et de légumes. Une "
        "chambre froide solaire partagée entre plusieurs producteurs rend le froid accessible là où le réseau "
        "électrique est absent ou instable.",
        body=_body(
            principle="Une chambre froide solaire associe des panneaux photovoltaïques, un groupe frigorifique à "
            "haut rendement et une enceinte très isolée. Le froid est produit le jour et stocké dans des "
            "accumulateurs de froid (eau glacée, plaques eutectiques) ou dans des batteries, pour tenir la nuit. "
            "Chaque produit a sa température : le lait vers 4 °C, le poisson et la viande près de 0 °C, la plupart "
            "des légumes entre 5 et 12 °C ; la tomate, la mangue et la banane craignent un froid trop intense.",
            work=_steps(
                "Mesurer les quantités à conserver par jour et la durée de stockage souhaitée, produit par produit.",
                "Réunir les producteurs intéressés et fixer les règles d'usage : réservation, tarif par caisse et par "
                "jour, nettoyage.",
                "Faire réaliser une étude de faisabilité : volume de la chambre, puissance solaire, autonomie, coût "
                "par kilo conservé.",
                "Installer la chambre à l'ombre, sur une dalle propre, près des producteurs et des acheteurs.",
                "Tenir un registre des entrées et des sorties et relever la température deux fois par jour.",
            ),
            care=_bullets(
                "Ne pas mélanger poisson, produits laitiers et fruits sans emballage : odeurs et contaminations.",
                "Refroidir les produits avant leur entrée (lait refroidi, poisson sous glace) pour ne pas surcharger "
                "le groupe.",
                "Ouvrir la porte le moins souvent possible et vérifier l'étanchéité des joints.",
                "Prévoir un contrat d'entretien avec le fournisseur et former le gestionnaire.",
            ),
            costs="Un congélateur solaire de 200 à 400 litres coûte de 600 000 à 1 500 000 F CFA avec ses panneaux "
            "et sa batterie. Une chambre froide solaire de 5 m³ coûte de 8 à 15 millions de F CFA posée ; la "
            "location-vente ou un crédit garanti rendent l'investissement accessible à un groupement.",
        ),
        cost_min_xof=600_000,
        cost_max_xof=15_000_000,
        equipment="Chambres froides et congélateurs solaires : fournisseurs de matériel solaire agréés et "
        "frigoristes spécialisés de Bamako. Caisses plastiques et thermomètres : quincailleries. Installation et "
        "entretien : frigoristes formés.",
        topics=("cold_storage",),
        partners=(FROID, FGSP),
    ),
    SheetText(
        key="mobile_money",
        title="Paiement mobile et tenue de caisse",
        domain=D.ICT,
        sectors=("G", "I"),
        summary="Orange Money, Moov Money et les autres services de paiement mobile sont devenus un moyen de "
        "paiement courant. Un compte marchand séparé, l'enregistrement de chaque vente et un rapprochement "
        "quotidien permettent de connaître ses recettes réelles et ses marges.",
        body=_body(
            principle="Recevoir les paiements sur le téléphone personnel du gérant mélange l'argent de l'entreprise "
            "et celui de la famille : on ne sait plus ce que l'activité rapporte. Un compte marchand au nom de "
            "l'entreprise sépare les flux et fournit un relevé des opérations. Associé à un cahier de caisse ou à "
            "une application de caisse, il permet de rapprocher chaque soir les ventes enregistrées, l'argent "
            "liquide et le solde mobile, puis de calculer les marges.",
            work=_steps(
                "Ouvrir un compte marchand au nom de l'entreprise auprès de chaque opérateur utilisé par les clients.",
                "Afficher les numéros marchands à la caisse et apprendre au personnel à vérifier le message de "
                "confirmation avant de remettre la marchandise.",
                "Enregistrer chaque vente, en espèces ou mobile, dans le cahier ou l'application de caisse.",
                "Chaque soir, comparer le total des ventes, la caisse et les soldes mobiles ; noter et expliquer les "
                "écarts.",
                "Chaque mois, faire le point (recettes, achats, charges, marge) et sauvegarder les données si une "
                "application est utilisée.",
            ),
            care=_bullets(
                "Ne jamais communiquer son code secret ; se méfier des faux messages de paiement et des appels qui "
                "se disent du service client.",
                "Tenir compte des frais de retrait et de transfert dans les prix.",
                "Garder le téléphone de caisse à l'entreprise et le protéger par un code.",
                "Une application de caisse utilisable hors connexion évite les blocages quand le réseau est coupé.",
            ),
            costs="L'ouverture d'un compte marchand est en général gratuite ; l'opérateur prélève une commission sur "
            "certaines opérations. Un smartphone réservé à la caisse coûte de 50 000 à 150 000 F CFA, et de "
            "nombreuses applications de caisse simples sont gratuites ou à faible abonnement. Une formation courte "
            "à la tenue de caisse complète l'équipement.",
        ),
        cost_min_xof=50_000,
        cost_max_xof=200_000,
        equipment="Comptes marchands : agences et points de service des opérateurs de paiement mobile. "
        "Smartphones : revendeurs de téléphonie. Cahiers de caisse : librairies. Applications de caisse : "
        "magasins d'applications, avec l'aide d'un prestataire informatique local.",
        topics=("mobile_payment", "accounting_software"),
        partners=(CFP, KAFO),
    ),
    SheetText(
        key="packaging",
        title="Emballage et étiquetage des produits alimentaires",
        domain=D.QUALITY,
        sectors=("C",),
        summary="Un emballage scellé et une étiquette complète ouvrent les portes des supermarchés et rassurent les "
        "clients. La fiche liste les mentions obligatoires, les emballages courants et le matériel de scellage "
        "adapté aux petites unités.",
        body=_body(
            principle="L'emballage protège le produit de l'humidité, de l'air, de la lumière, des insectes et des "
            "manipulations ; l'étiquette informe le client et permet de retrouver un lot en cas de problème. Les "
            "règles d'étiquetage des denrées préemballées suivent la norme générale du Codex Alimentarius, reprise "
            "par les normes nationales. Les supermarchés demandent en plus un code-barres, un poids constant et des "
            "cartons de regroupement.",
            work=_bullets(
                "Choisir l'emballage selon le produit : sachets en polypropylène ou complexes aluminium pour les "
                "produits secs, pots et bouteilles en verre ou en plastique alimentaire pour les liquides.",
                "Sceller les sachets avec une scelleuse à pédale ou à impulsion et vérifier chaque soudure.",
                "Faire figurer sur l'étiquette : **dénomination**, liste des ingrédients, poids ou volume net, nom et "
                "adresse du fabricant, pays d'origine, date limite, numéro de lot, conditions de conservation.",
                "Tenir un registre des lots : date de fabrication, quantités, matières premières utilisées, clients "
                "livrés.",
                "Peser chaque unité sur une balance vérifiée : le poids annoncé doit être respecté.",
            ),
            care=_bullets(
                "N'utiliser que des emballages prévus pour le contact alimentaire ; pas de sacs de récupération.",
                "Ne pas annoncer de propriétés (« bio », « guérit », « sans conservateur ») sans justification.",
                "Faire relire le projet d'étiquette par l'organisme de normalisation avant d'en imprimer de grandes "
                "quantités.",
                "Stocker les produits emballés sur des étagères, jamais au sol.",
            ),
            costs="Une scelleuse à pédale coûte de 75 000 à 250 000 F CFA. La conception d'une étiquette revient à "
            "50 000 à 150 000 F CFA, et l'impression de 1 000 étiquettes autocollantes à 25 000 à 75 000 F CFA selon "
            "le format. Les sachets et les pots pèsent lourd dans le prix de revient : comparer plusieurs "
            "fournisseurs.",
        ),
        cost_min_xof=50_000,
        cost_max_xof=800_000,
        equipment="Scelleuses, sachets, pots et bouteilles : fournisseurs d'emballages de Bamako. Étiquettes : "
        "imprimeries et graphistes locaux. Balances : revendeurs de matériel de pesage.",
        topics=("packaging",),
        partners=(AMANORM, EMBALLAGES),
    ),
    SheetText(
        key="hygiene_haccp",
        title="Bonnes pratiques d'hygiène et bases de la méthode HACCP",
        domain=D.QUALITY,
        sectors=("C", "I"),
        summary="Les bonnes pratiques d'hygiène sont la base de tout dossier d'autorisation de mise sur le marché. "
        "Cette fiche présente les prérequis à mettre en place dans un petit atelier alimentaire et les sept "
        "principes de la méthode HACCP, expliqués simplement.",
        body=_body(
            principle=(
                "Un aliment peut être contaminé par des dangers biologiques (microbes), chimiques (produits de "
                "nettoyage, pesticides) ou physiques (cailloux, éclats de verre). Les bonnes pratiques d'hygiène "
                "réduisent ces risques dans tout l'atelier. La méthode HACCP va plus loin : elle repère les étapes "
                "où un danger doit absolument être maîtrisé et organise leur surveillance, selon sept principes :",
                _steps(
                    "analyser les dangers à chaque étape de fabrication ;",
                    "déterminer les points critiques pour la maîtrise, par exemple la pasteurisation ;",
                    "fixer pour chacun une limite critique (température, durée, humidité) ;",
                    "surveiller ces points et noter les mesures ;",
                    "prévoir les actions correctives quand une limite n'est pas respectée ;",
                    "vérifier régulièrement que le système fonctionne ;",
                    "tenir les documents et les enregistrements.",
                ),
            ),
            work=_bullets(
                "Organiser les locaux en marche en avant : réception, transformation, conditionnement, stockage, "
                "sans retour en arrière.",
                "Installer un lave-mains avec savon à l'entrée de la zone de production.",
                "Fournir des tenues propres (blouse, coiffe) réservées au travail.",
                "Afficher un plan de nettoyage (quoi, quand, avec quel produit, par qui) et le faire signer.",
                "Utiliser de l'eau potable et protéger les locaux des insectes, des rongeurs et des animaux.",
            ),
            care=_bullets(
                "Une personne malade ne manipule pas les aliments.",
                "Ranger les produits de nettoyage à part, dans leurs emballages d'origine.",
                "Les enregistrements sont la preuve demandée lors des inspections : les tenir à jour.",
                "Commencer par les prérequis : la méthode HACCP ne remplace pas l'hygiène de base.",
            ),
            costs=(
                "Les prérequis coûtent de 100 000 à 600 000 F CFA dans un petit atelier (lave-mains, tenues, "
                "moustiquaires, poubelles fermées, thermomètres). Le réaménagement des locaux, la formation du "
                "personnel et les analyses de laboratoire peuvent porter le total à 1,5 million de F CFA.",
                "Textes du Codex Alimentarius sur l'hygiène des aliments : [www.fao.org](https://www.fao.org).",
            ),
        ),
        cost_min_xof=100_000,
        cost_max_xof=1_500_000,
        equipment="Lave-mains, poubelles à pédale, moustiquaires et tenues de travail : quincailleries et "
        "fournisseurs de matériel d'hygiène de Bamako. Thermomètres : fournisseurs de matériel de laboratoire. "
        "Produits de nettoyage et de désinfection : distributeurs agréés.",
        topics=("hygiene",),
        partners=(ANSSA, AMANORM),
    ),
    SheetText(
        key="borehole_water",
        title="Traitement de l'eau de forage utilisée en production",
        domain=D.WATER,
        sectors=("C", "I"),
        summary="L'eau est un ingrédient et un outil de nettoyage : une eau contaminée rend dangereux tout ce "
        "qu'elle touche. Cette fiche explique comment faire analyser l'eau d'un forage, protéger l'ouvrage et le "
        "réservoir, puis filtrer et chlorer l'eau si nécessaire.",
        body=_body(
            principle="L'eau d'un forage peut être contaminée par des microbes venus de latrines, de puisards ou "
            "d'animaux proches, par infiltration le long d'un tubage mal protégé, ou dans un réservoir non couvert. "
            "Elle peut aussi contenir naturellement du fer, qui donne un dépôt couleur de rouille et un goût, ou "
            "d'autres éléments indésirables. Seule une analyse de laboratoire dit si l'eau est potable. Le "
            "traitement dépend du résultat : protection de l'ouvrage, filtration, désinfection au chlore.",
            work=_steps(
                "Faire prélever et analyser l'eau par un laboratoire (analyses bactériologique et physico-chimique).",
                "Protéger la tête du forage par une margelle et une dalle, et éloigner latrines et animaux.",
                "Nettoyer, désinfecter et couvrir le réservoir, avec un couvercle fermé et un trop-plein grillagé.",
                "Selon l'analyse, installer un filtre (sable, cartouche) puis une chloration réglée pour laisser un "
                "faible chlore résiduel au robinet.",
                "Contrôler le chlore résiduel chaque jour avec une trousse simple et refaire une analyse complète "
                "chaque année.",
            ),
            care=_bullets(
                "Une eau claire et sans odeur n'est pas forcément potable.",
                "Le chlore se dose : trop peu ne désinfecte pas, trop donne un goût et peut gêner certaines "
                "fabrications.",
                "Changer les cartouches filtrantes selon les consignes du fabricant : une cartouche encrassée "
                "devient un nid à microbes.",
                "Noter les contrôles dans un cahier, utile pour le dossier d'autorisation de mise sur le marché.",
            ),
            costs=(
                "Une analyse d'eau en laboratoire coûte quelques dizaines de milliers de F CFA selon les paramètres "
                "demandés. La protection de la tête de forage et le nettoyage du réservoir reviennent à 50 000 à "
                "300 000 F CFA ; un filtre avec chloration automatique à 300 000 à 1 500 000 F CFA.",
                "Recommandations de l'Organisation mondiale de la santé sur la qualité de l'eau de boisson : "
                "[www.who.int](https://www.who.int).",
            ),
        ),
        cost_min_xof=50_000,
        cost_max_xof=1_500_000,
        equipment="Analyses : laboratoires agréés d'analyse des eaux à Bamako. Filtres, doseurs de chlore et "
        "trousses de contrôle : fournisseurs de matériel de traitement de l'eau. Margelle, dalle et réservoir : "
        "maçons et plombiers locaux.",
        topics=("water_treatment",),
        partners=(IER_LAB,),
    ),
    SheetText(
        key="onion_storage",
        title="Magasin ventilé pour la conservation de l'oignon",
        domain=D.AGRO_PROCESSING,
        sectors=("A",),
        summary="Des bulbes bien séchés au champ, triés et stockés en couches minces dans un magasin ventilé se "
        "conservent plusieurs mois. Les producteurs peuvent alors vendre après la période de récolte, quand les "
        "prix remontent.",
        body=_body(
            principle="Après la récolte, le bulbe d'oignon continue de respirer et de perdre de l'eau. Dans un tas "
            "sous un hangar, la chaleur et l'humidité s'accumulent et les pourritures se propagent d'un bulbe à "
            "l'autre. Un magasin ventilé, aux murs épais et à la toiture isolée, garde les bulbes au frais et au sec "
            "sur des claies superposées où l'air circule. Avec des variétés adaptées à la conservation et un bon "
            "séchage, les pertes restent limitées pendant plusieurs mois.",
            work=_steps(
                "Arrêter l'irrigation deux à trois semaines avant la récolte.",
                "Récolter à maturité, quand la plupart des fanes sont tombées, puis laisser sécher les bulbes au "
                "champ une à deux semaines, à l'abri du soleil le plus fort.",
                "Couper les fanes en laissant un collet sec de 2 à 3 cm.",
                "Trier : écarter les bulbes blessés, doubles, germés ou malades.",
                "Stocker sur des claies en couches minces, dans un magasin ouvert la nuit et fermé aux heures chaudes.",
                "Inspecter chaque semaine et retirer les bulbes qui pourrissent ou germent.",
            ),
            care=_bullets(
                "Un excès d'engrais azoté ou d'eau en fin de culture réduit la durée de conservation.",
                "Ne pas stocker les oignons dans des sacs plastiques fermés.",
                "Protéger le magasin contre les rongeurs et l'eau de pluie.",
                "Noter les quantités entrées et sorties et les pertes pour calculer le prix de vente minimal.",
            ),
            costs="Un magasin ventilé de 10 tonnes en matériaux locaux coûte de 1,5 à 4 millions de F CFA selon la "
            "toiture ; un petit magasin amélioré d'une à deux tonnes, de 300 000 à 800 000 F CFA. Le stockage "
            "permet souvent de vendre bien au-dessus du prix de la récolte.",
        ),
        cost_min_xof=300_000,
        cost_max_xof=4_000_000,
        equipment="Magasins ventilés et claies : maçons et menuisiers locaux, sur des plans fournis par les services "
        "de recherche agricole. Semences de variétés de bonne conservation : semenciers agréés. Bâches et "
        "caisses : quincailleries.",
        topics=("onion_storage",),
        partners=(IER, KAFO),
    ),
    SheetText(
        key="concrete",
        title="Dosage et cure du béton sur les petits chantiers",
        domain=D.CONSTRUCTION,
        sectors=("F",),
        summary="La plupart des fissures de dalles viennent d'un béton trop mouillé, mal dosé ou privé de cure. Des "
        "seaux gradués, une eau mesurée et sept jours d'arrosage suffisent à améliorer nettement la qualité.",
        body=_body(
            principle="Le béton est un mélange de ciment, de sable, de gravier et d'eau. Sa résistance dépend "
            "surtout du rapport entre l'eau et le ciment : chaque seau d'eau ajouté « pour que ça coule mieux » "
            "affaiblit le béton. Le ciment a besoin d'eau pendant plusieurs jours pour durcir ; sous le soleil et le "
            "vent, une dalle qui sèche trop vite se fissure et n'atteint jamais la résistance prévue. Le dosage et "
            "la cure se maîtrisent sans matériel coûteux.",
            work=_steps(
                "Faire établir la formule (ciment, sable, gravier, eau) à partir des granulats du chantier, par "
                "exemple un béton dosé à 350 kg de ciment par m³ pour une dalle.",
                "Traduire la formule en seaux gradués par sac de ciment et l'afficher sur le chantier.",
                "Utiliser du sable propre, sans terre, et du gravier lavé ; mesurer l'eau au seau gradué.",
                "Couler puis vibrer ou piquer le béton pour chasser l'air, sans ajouter d'eau en cours de route.",
                "Arroser la dalle ou la couvrir de sacs humides ou de bâches pendant au moins sept jours.",
                "Confectionner des éprouvettes pour les ouvrages importants et les faire écraser en laboratoire.",
            ),
            care=_bullets(
                "Respecter l'enrobage des aciers avec des cales : des armatures à nu rouillent et font éclater le "
                "béton.",
                "Ne pas décoffrer ni charger une dalle trop tôt.",
                "Stocker le ciment au sec, sur palettes, et utiliser les sacs les plus anciens en premier.",
                "Former chefs de chantier et maçons au dosage ; une fiche plastifiée aide à tenir les règles.",
            ),
            costs="Seaux gradués, moules à éprouvettes et bâches coûtent de 50 000 à 200 000 F CFA. Les essais "
            "d'écrasement en laboratoire se paient à l'éprouvette. Le coût reste faible au regard de la reprise "
            "d'une dalle fissurée.",
        ),
        cost_min_xof=50_000,
        cost_max_xof=300_000,
        equipment="Seaux gradués, bâches et moules à éprouvettes : quincailleries et fournisseurs de matériel de "
        "chantier de Bamako. Essais : laboratoires de génie civil.",
        topics=("concrete_quality",),
        partners=(CNREX, CFP),
    ),
    SheetText(
        key="fonio",
        title="Décorticage mécanique et précuisson du fonio",
        domain=D.AGRO_PROCESSING,
        sectors=("C",),
        summary="Le décorticage du fonio au pilon est long et pénible, et le sable qui reste dans le grain "
        "décourage les acheteurs. Une décortiqueuse adaptée et un dessablage soigné multiplient la production et "
        "améliorent la qualité du fonio précuit.",
        body=_body(
            principle="Le grain de fonio est minuscule et enveloppé de balles qu'il faut retirer en deux temps : le "
            "décorticage puis le blanchiment. Les décortiqueuses conçues pour le fonio frottent les grains entre "
            "des disques ou dans une chambre à rotor, sans les briser. Le fonio est ensuite lavé plusieurs fois pour "
            "éliminer le sable, cuit à la vapeur, séché et ensaché : c'est le fonio précuit, qui se prépare en "
            "quelques minutes et se vend bien en ville.",
            work=_steps(
                "Nettoyer le fonio brut au tamis et au vent pour retirer la paille, les cailloux et la poussière.",
                "Décortiquer à la machine en réglant l'écartement selon la variété et l'humidité du grain ; compter "
                "souvent deux passages.",
                "Laver et dessabler dans des bacs, en plusieurs eaux, en laissant le sable se déposer.",
                "Précuire à la vapeur, puis sécher sur des claies à l'abri de la poussière jusqu'à ce que le grain "
                "soit bien sec.",
                "Trier, peser, ensacher en sachets scellés et étiqueter.",
            ),
            care=_bullets(
                "Le grain doit être sec au décorticage, sinon la machine s'encrasse et le rendement chute.",
                "Le sable résiduel est le premier motif de plainte des clients : contrôler chaque lot en croquant "
                "quelques grains.",
                "Comparer les machines en essai réel, avec son propre fonio, avant d'acheter.",
                "Prévoir l'entretien et les pièces de rechange avec le fabricant.",
            ),
            costs="Une décortiqueuse à fonio motorisée coûte de 1,5 à 3 millions de F CFA selon la capacité. Les bacs "
            "de lavage, les claies de séchage et la scelleuse ajoutent 300 000 à 500 000 F CFA.",
        ),
        cost_min_xof=500_000,
        cost_max_xof=3_500_000,
        equipment="Décortiqueuses à fonio : fabricants locaux à Bamako et ateliers de la sous-région. Tamis, bacs et "
        "claies : artisans et quincailleries. Scelleuses et sachets : fournisseurs d'emballages.",
        topics=("fonio_huller",),
        partners=(IER, DJOLIBA),
    ),
    # Drafts: being written, never shared.
    SheetText(
        key="poultry_incubator",
        title="Couveuse électrique et démarrage des poussins",
        domain=D.AGRO_PROCESSING,
        sectors=("A",),
        summary="Une couveuse fiable, secourue contre les coupures d'électricité, et une éleveuse bien réglée "
        "réduisent fortement la mortalité des poussins pendant les premières semaines. Fiche en cours de "
        "rédaction : les coûts restent à vérifier auprès des fournisseurs.",
        body=_body(
            principle="L'incubation des œufs de poule dure 21 jours à une température proche de 37,5 °C, avec une "
            "humidité contrôlée et un retournement régulier des œufs. Une coupure d'électricité de quelques heures "
            "peut compromettre toute une fournée : la couveuse doit être secourue par une batterie ou un petit kit "
            "solaire. Après l'éclosion, les poussins ne régulent pas encore leur température ; l'éleveuse leur "
            "apporte la chaleur nécessaire pendant les premières semaines.",
            work=_steps(
                "Choisir des œufs propres, de poids moyen, pondus depuis moins de sept jours par des reproducteurs en "
                "bonne santé.",
                "Régler la couveuse à 37,5 °C et à une humidité d'environ 50 à 55 %, portée vers 65 % les trois "
                "derniers jours.",
                "Retourner les œufs plusieurs fois par jour jusqu'au 18e jour ; la plupart des modèles le font "
                "automatiquement.",
                "Mirer les œufs vers le 7e et le 18e jour et retirer les œufs clairs ou morts.",
                "Démarrer les poussins sous l'éleveuse vers 32 à 35 °C, puis baisser la température chaque semaine "
                "en observant leur comportement.",
            ),
            care=_bullets(
                "Nettoyer et désinfecter la couveuse entre deux fournées.",
                "Vacciner les poussins selon le programme conseillé par le vétérinaire.",
                "Aérer le poulailler sans courants d'air : le chauffage au charbon dégage des gaz dangereux.",
                "Noter chaque fournée : nombre d'œufs, taux d'éclosion, mortalité.",
            ),
            costs="À compléter : une couveuse de 500 œufs avec batterie de secours coûterait de 300 000 à "
            "2 500 000 F CFA selon l'origine ; devis demandés à trois fournisseurs.",
        ),
        cost_min_xof=300_000,
        cost_max_xof=2_500_000,
        equipment="Couveuses et éleveuses : revendeurs de matériel avicole à Bamako. Batteries et kits solaires de "
        "secours : fournisseurs de matériel solaire agréés. Vaccins : cabinets vétérinaires.",
        topics=("poultry_incubator",),
        partners=(LCV, SAHEL_SOLAIRE),
        status=Status.DRAFT,
    ),
    SheetText(
        key="fish_feed",
        title="Aliment pour poissons à base de sous-produits locaux",
        domain=D.AGRO_PROCESSING,
        sectors=("A", "C"),
        summary="L'aliment représente souvent plus de la moitié des coûts d'une ferme piscicole. Produire ses "
        "granulés à partir de son de riz, de tourteaux et de farine de poisson réduit ce coût, si la formule et "
        "la fabrication sont maîtrisées. Fiche en cours de rédaction.",
        body=_body(
            principle="Le tilapia et le silure (clarias) ont besoin d'un aliment riche en protéines, surtout quand "
            "ils sont jeunes. Une formule équilibrée associe des sources de protéines (farine de poisson, tourteaux "
            "de coton, d'arachide ou de soja) et des sources d'énergie (son de riz, farine de maïs), avec un "
            "complément minéral. Les ingrédients sont broyés, mélangés, humidifiés puis passés dans une presse à "
            "granulés. Les granulés secs se conservent et se distribuent sans gaspillage.",
            work=_steps(
                "Faire établir la formule avec un centre de recherche selon l'espèce, l'âge des poissons et les "
                "ingrédients disponibles toute l'année.",
                "Broyer finement les ingrédients et les peser pour chaque fournée.",
                "Mélanger à sec, puis ajouter l'eau progressivement jusqu'à obtenir une pâte qui se tient.",
                "Presser en granulés d'un diamètre adapté à la taille des poissons, puis sécher à l'ombre sur des "
                "claies.",
                "Peser chaque mois un échantillon de poissons pour ajuster la ration et juger l'efficacité de "
                "l'aliment.",
            ),
            care=_bullets(
                "Des tourteaux ou des farines moisis contiennent des toxines : refuser les lots douteux.",
                "Conserver les granulés au sec, dans des sacs fermés posés sur des palettes.",
                "Les presses simples produisent des granulés qui coulent ; des granulés flottants demandent une "
                "extrudeuse.",
                "Distribuer l'aliment en petites quantités, plusieurs fois par jour, et retirer ce qui n'est pas "
                "consommé.",
            ),
            costs="À compléter : une presse à granulés de petite capacité coûterait de 1 à 4 millions de F CFA, hors "
            "broyeur ; le prix des ingrédients varie fortement selon la saison.",
        ),
        cost_min_xof=1_000_000,
        cost_max_xof=4_000_000,
        equipment="Presses à granulés et broyeurs : fabricants locaux à Bamako et importateurs. Son de riz : "
        "rizeries. Tourteaux : huileries. Farine de poisson : transformateurs de la région de Mopti.",
        topics=("fish_feed",),
        partners=(IER, DJOLIBA),
        status=Status.DRAFT,
    ),
    # Archived: shared while they were published, withdrawn since.
    SheetText(
        key="bread_oven",
        title="Four à pain au bois : isolation et économies de combustible",
        domain=D.ENERGY,
        sectors=("C",),
        summary="Un four à pain mal isolé perd une grande partie de sa chaleur par la voûte et par la porte. "
        "Réisoler le four, remplacer la porte et conduire le feu avec méthode réduit la consommation de bois "
        "d'environ un tiers.",
        body=_body(
            principle="Dans un four à chauffage direct, le bois brûle sur la sole, puis les braises sont retirées et "
            "le pain cuit grâce à la chaleur accumulée dans la maçonnerie. Si la voûte n'est pas isolée, la chaleur "
            "s'échappe vers l'extérieur et il faut chauffer plus longtemps ; une porte mal ajustée laisse fuir la "
            "chaleur à chaque fournée. Une couche isolante au-dessus de la voûte et une porte métallique isolée et "
            "étanche gardent la chaleur dans le four.",
            work=_steps(
                "Mesurer pendant une semaine la consommation de bois par fournée et le nombre de baguettes cuites.",
                "Faire isoler la voûte par un artisan formé : matériau isolant (argile allégée, vermiculite ou laine "
                "minérale) recouvert d'une chape.",
                "Remplacer la porte par une porte métallique à double paroi isolée, bien ajustée.",
                "Utiliser du bois sec, fendu, de taille régulière, et préchauffer toujours de la même façon.",
                "Comparer la consommation après travaux à celle relevée avant.",
            ),
            care=_bullets(
                "Laisser sécher lentement les nouvelles maçonneries avant la première chauffe complète.",
                "Contrôler régulièrement les fissures de la voûte et les réparer.",
                "Éloigner le stock de bois et de farine de la bouche du four.",
                "Un four à gaz ou mixte peut convenir aux boulangeries urbaines : comparer le coût du gaz et du bois.",
            ),
            costs="L'isolation de la voûte et le remplacement de la porte coûtent de 300 000 à 1 200 000 F CFA selon "
            "la taille du four. Un four mixte bois-gaz neuf demande un investissement bien plus élevé.",
        ),
        cost_min_xof=300_000,
        cost_max_xof=1_200_000,
        equipment="Isolants, briques réfractaires et portes de four : fournisseurs de matériaux et soudeurs de "
        "Bamako. Construction et réfection : maçons formés à la construction des fours.",
        topics=("bread_oven",),
        partners=(AER,),
        status=Status.ARCHIVED,
    ),
    SheetText(
        key="plastic_pavers",
        title="Pavés en sable et plastique recyclé",
        domain=D.WATER,
        sectors=("E", "F"),
        summary="Les sachets plastiques collectés peuvent être fondus et mélangés à du sable pour produire des pavés "
        "résistants. Le procédé exige un four fermé, un dosage précis et une protection sérieuse des travailleurs "
        "contre les fumées.",
        body=_body(
            principle="Le plastique fondu sert de liant à la place du ciment : mélangé à chaud avec du sable sec, il "
            "enrobe les grains et durcit en refroidissant dans des moules. Les sachets et les films en polyéthylène, "
            "très abondants dans les rues, conviennent le mieux. Le procédé valorise des déchets difficiles à "
            "éliminer et donne des pavés qui résistent à l'eau. La fusion doit se faire dans un four fermé, à "
            "température contrôlée : brûler du plastique à l'air libre dégage des fumées toxiques.",
            work=_steps(
                "Trier les plastiques : garder les sachets et les films en polyéthylène, écarter le PVC et les "
                "plastiques inconnus.",
                "Laver et sécher les déchets triés.",
                "Faire fondre le plastique dans un four ou une cuve fermée munie d'une cheminée, en remuant, sans le "
                "laisser brûler.",
                "Incorporer le sable sec et tamisé selon le dosage établi par des essais, jusqu'à un mélange homogène.",
                "Remplir les moules huilés, compacter, laisser refroidir puis démouler.",
            ),
            care=_bullets(
                "Porter masque à cartouche, gants résistants à la chaleur et lunettes ; éloigner les enfants et les "
                "riverains.",
                "Ne jamais chauffer de PVC : il dégage des gaz corrosifs et toxiques.",
                "Les pavés en plastique ramollissent à forte chaleur : les réserver aux allées et aux cours, pas aux "
                "voies de circulation lourde.",
                "Faire tester la résistance des pavés avant de les vendre à une collectivité.",
            ),
            costs="Un four de fusion fermé avec cheminée coûte de 300 000 à 1 000 000 F CFA et un moule métallique "
            "de 10 000 à 30 000 F CFA. Les équipements de protection sont indispensables : compter environ "
            "30 000 F CFA par travailleur.",
        ),
        cost_min_xof=300_000,
        cost_max_xof=1_500_000,
        equipment="Fours de fusion et moules : soudeurs et chaudronniers locaux. Masques à cartouche, gants et "
        "lunettes : fournisseurs d'équipements de protection de Bamako. Sable : carrières et dépôts de matériaux.",
        topics=("plastic_pavers",),
        partners=(CNRST, CNREX),
        status=Status.ARCHIVED,
    ),
]
SHEETS_BY_TITLE = {sheet.title: sheet for sheet in SHEETS}
