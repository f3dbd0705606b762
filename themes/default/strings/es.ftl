# Las palabras que imprime el tema predeterminado de encyc, en español.
language-name = Español
site-title = Enciclopedia médica
disclaimer = Todo el material de este sitio se ofrece solo con fines informativos y no constituye consejo médico ni sustituye la atención médica adecuada. Consulte a un profesional de la salud cualificado que conozca sus antecedentes para cualquier inquietud particular.
introduction = Artículos en lenguaje sencillo sobre enfermedades: sus causas, sus síntomas, cómo se diagnostican y se tratan, y cuándo llamar a un proveedor de atención médica. Busque por la primera letra de una enfermedad o de cualquiera de sus otros nombres.
skip-link = Saltar al contenido
search-label = Buscar en la enciclopedia
search-button = Buscar
search-results-label = Artículos que coinciden
search-title = Búsqueda
search-no-script = La búsqueda necesita JavaScript, que está desactivado o no está disponible en este navegador. Puede encontrar cada artículo por la primera letra de su nombre o de cualquiera de sus otros nombres:
search-prompt = Escriba lo que busca en el cuadro de búsqueda.
search-results-for = Resultados de la búsqueda de «{ $query }»
search-found = { $count ->
    [0] No se encontró ningún artículo
    [one] { $count } artículo encontrado
   *[other] { $count } artículos encontrados
}
search-some-words = Nombres con algunas de las palabras
search-in-text = Encontrado en el texto de
search-unavailable = La búsqueda no está disponible en este momento.
search-unavailable-here = La búsqueda no está disponible en este momento; busque los artículos por letra.
feed-subtitle = Artículos revisados recientemente
feed-link-title = revisados recientemente
page-address = Dirección de la página:
az-label = Artículos de la A a la Z
az-empty = (sin artículos)
letter-heading = Artículos:
letter-empty = Todavía no hay artículos en la { $letter }.
see = ver
alternative-names = Otros nombres:
see-also = Véase también
last-revised = Última revisión:
revised-by = por
next-review = Próxima revisión prevista:
source = Fuente:
no-articles = Todavía no hay artículos.
article-count = { $count ->
    [one] { $count } artículo: elija una letra arriba para consultarlo.
   *[other] { $count } artículos: elija una letra arriba para consultarlos.
}
recently-revised = Revisados recientemente
revised = revisado
not-found-title = Página no encontrada
not-found-text = No hay ninguna página en esta dirección. Puede que se haya cambiado de nombre o eliminado.
not-found-go = Vaya a la
not-found-home = página de inicio de { $title }
not-found-rest = , o elija una letra arriba para encontrar un artículo por su nombre.
languages-label = Otros idiomas
translation = Traducción:
translation-of = Traducción del artículo original
original-revised = en su revisión del
original-reviewed-by = Original revisado por
date = { $day } de { $month } de { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
# Illustrations and references.
references = Referencias
back-to-text = Volver al texto
reference-in = En:
reference-editors = eds.
reference-editor = ed.
reference-edition = ed.
reference-accessed = Consultado el
figure-credit = Crédito:
figure-licence = Licencia:
figure-page = Página de la ilustración
illustration = Ilustración:
illustration-credit = Crédito
illustration-licence = Licencia
illustration-shown-in = Aparece en
# El flujo editorial.
draft-title = Borrador: no publicado
draft-note = – esta vista previa lo muestra; encyc build lo omite hasta que se quite draft: true.
on-this-page = En esta página
links-here = Artículos que enlazan aquí
also-reviewed-by = También revisado por
also-reviewed-and = , y
also-reviewed-team = el equipo
care-emergency-prefix = Emergencia:
care-emergency = Llame ahora al número de emergencias de su zona
care-urgent-prefix = Urgente:
care-urgent = Consulte a un médico hoy
care-non-urgent-prefix = No urgente:
care-non-urgent = Consulte con su proveedor de atención médica
callout-note = Nota
callout-tip = Consejo
callout-important = Importante
callout-warning = Advertencia
callout-caution = Precaución
moved-title = Esta página se ha trasladado:
moved-heading = Esta página se ha trasladado
moved-now = El artículo ahora es
