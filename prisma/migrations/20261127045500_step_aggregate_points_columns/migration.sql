-- StepAggregate.points from one array per point ([[taskId, mean, variance, region, isSeed], …]) to one array per
-- field ({taskId, mean, variance, region: one letter per point, isSeed: "1"/"0" per point}), in the same order.
UPDATE "StepAggregate" SET points = (
  SELECT json_build_object(
    'taskId', COALESCE(json_agg(e->0 ORDER BY o), '[]'::json),
    'mean', COALESCE(json_agg(e->1 ORDER BY o), '[]'::json),
    'variance', COALESCE(json_agg(e->2 ORDER BY o), '[]'::json),
    'region', COALESCE(string_agg(left(e->>3, 1), '' ORDER BY o), ''),
    'isSeed', COALESCE(string_agg(CASE WHEN (e->>4)::boolean THEN '1' ELSE '0' END, '' ORDER BY o), ''))
  FROM json_array_elements(points) WITH ORDINALITY AS t(e, o))
WHERE json_typeof(points) = 'array';
