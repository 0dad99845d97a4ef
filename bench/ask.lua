-- wrk script: POST questions to /api/v1/bots/demo/ask, rotating through a few phrasings.
local questions = {
  '{"text": "J\'ai oublié mon mot de passe", "lang": "fr"}',
  '{"text": "le vpn est très lent depuis chez moi", "lang": "fr"}',
  '{"text": "comment poser des congés ?", "lang": "fr"}',
  '{"text": "mon imprimante affiche un bourrage papier"}',
  '{"text": "where can I find my payslip?", "lang": "en"}',
  '{"text": "quelle est la capitale de l\'Australie ?"}',
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/api/v1/bots/demo/ask", {["Content-Type"] = "application/json"}, questions[(i % #questions) + 1])
end
